namespace Avrr.Knowledge;

public enum DiffLineKind { Same, Removed, Added }

public sealed record DiffLine(DiffLineKind Kind, string Text, int? OldLine, int? NewLine);

/// <summary>A line diff (longest common subsequence) for reviewing content changes, bounded in memory.</summary>
public static class LineDiff
{
    /// <summary>About 16 MB of table: the changed part of a file is diffed exactly up to ~2,000 lines on each side.</summary>
    private const long MaxCells = 4_000_000;

    /// <summary>The changed lines with <paramref name="context"/> unchanged lines around each change; empty when equal.</summary>
    public static IReadOnlyList<DiffLine> Compute(string? before, string? after, int context = 2)
    {
        var a = Lines(before);
        var b = Lines(after);
        var all = new List<DiffLine>(a.Length + b.Length);

        // Lines both share at the start and the end need no table; most edits change a few lines in the middle.
        var start = 0;
        while (start < a.Length && start < b.Length && a[start] == b[start])
        {
            all.Add(new DiffLine(DiffLineKind.Same, a[start], start + 1, start + 1));
            start++;
        }

        var endA = a.Length;
        var endB = b.Length;
        while (endA > start && endB > start && a[endA - 1] == b[endB - 1])
        {
            endA--;
            endB--;
        }

        if ((long)(endA - start) * (endB - start) > MaxCells)
        {
            // The full table would take gigabytes: show the middle as removed, then added. Still a correct diff.
            all.AddRange(Enumerable.Range(start, endA - start).Select(i => new DiffLine(DiffLineKind.Removed, a[i], i + 1, null)));
            all.AddRange(Enumerable.Range(start, endB - start).Select(j => new DiffLine(DiffLineKind.Added, b[j], null, j + 1)));
        }
        else
        {
            Align(a, b, start, endA, endB, all);
        }

        for (var i = endA; i < a.Length; i++)
        {
            all.Add(new DiffLine(DiffLineKind.Same, a[i], i + 1, i - endA + endB + 1));
        }

        return WithContext(all, context);
    }

    private static void Align(string[] a, string[] b, int start, int endA, int endB, List<DiffLine> all)
    {
        int n = endA - start, m = endB - start;
        var lcs = new int[n + 1, m + 1];
        for (var i = n - 1; i >= 0; i--)
        {
            for (var j = m - 1; j >= 0; j--)
            {
                lcs[i, j] = a[start + i] == b[start + j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        int x = 0, y = 0;
        while (x < n || y < m)
        {
            if (x < n && y < m && a[start + x] == b[start + y])
            {
                all.Add(new DiffLine(DiffLineKind.Same, a[start + x], start + x + 1, start + y + 1));
                x++;
                y++;
            }
            else if (x < n && (y == m || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                // Removals before additions, as in a unified diff.
                all.Add(new DiffLine(DiffLineKind.Removed, a[start + x], start + x + 1, null));
                x++;
            }
            else
            {
                all.Add(new DiffLine(DiffLineKind.Added, b[start + y], null, start + y + 1));
                y++;
            }
        }
    }

    private static List<DiffLine> WithContext(List<DiffLine> all, int context)
    {
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
