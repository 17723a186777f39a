namespace Avrr.Knowledge;

public enum DiffLineKind { Same, Removed, Added }

public sealed record DiffLine(DiffLineKind Kind, string Text, int? OldLine, int? NewLine);

/// <summary>A line diff (longest common subsequence) for reviewing content changes; files here are small.</summary>
public static class LineDiff
{
    /// <summary>The changed lines with <paramref name="context"/> unchanged lines around each change; empty when equal.</summary>
    public static IReadOnlyList<DiffLine> Compute(string? before, string? after, int context = 2)
    {
        var a = Lines(before);
        var b = Lines(after);
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var all = new List<DiffLine>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                all.Add(new DiffLine(DiffLineKind.Same, a[x], x + 1, y + 1));
                x++;
                y++;
            }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                // Removals before additions, as in a unified diff.
                all.Add(new DiffLine(DiffLineKind.Removed, a[x], x + 1, null));
                x++;
            }
            else
            {
                all.Add(new DiffLine(DiffLineKind.Added, b[y], null, y + 1));
                y++;
            }
        }

        var keep = new bool[all.Count];
        for (var i = 0; i < all.Count; i++)
        {
            if (all[i].Kind != DiffLineKind.Same)
            {
                for (var k = Math.Max(0, i - context); k <= Math.Min(all.Count - 1, i + context); k++)
                {
                    keep[k] = true;
                }
            }
        }

        return all.Where((_, i) => keep[i]).ToList();
    }

    private static string[] Lines(string? text) =>
        string.IsNullOrEmpty(text) ? [] : text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
}
