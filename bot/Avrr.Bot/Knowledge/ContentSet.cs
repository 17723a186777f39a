using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Avrr.Bot.Knowledge;

/// <summary>A content file set as stored: relative path → text, serialised as JSON, identified by a hash.</summary>
internal static class ContentSet
{
    public static string Serialize(IReadOnlyDictionary<string, string> files) =>
        JsonSerializer.Serialize(new SortedDictionary<string, string>(files.ToDictionary(), StringComparer.Ordinal));

    public static Dictionary<string, string> Deserialize(string json) =>
        new(JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [], StringComparer.Ordinal);

    /// <summary>Draft changes: a null text deletes the file.</summary>
    public static Dictionary<string, string?> DeserializeChanges(string json) =>
        new(JsonSerializer.Deserialize<Dictionary<string, string?>>(json) ?? [], StringComparer.Ordinal);

    public static string SerializeChanges(IReadOnlyDictionary<string, string?> changes) =>
        JsonSerializer.Serialize(new SortedDictionary<string, string?>(changes.ToDictionary(), StringComparer.Ordinal));

    public static string Hash(IReadOnlyDictionary<string, string> files)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (path, text) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(path + "\0" + Normalize(text) + "\0"));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    public static Dictionary<string, string> Apply(IReadOnlyDictionary<string, string> files, IReadOnlyDictionary<string, string?> changes)
    {
        var result = new Dictionary<string, string>(files.ToDictionary(), StringComparer.Ordinal);
        foreach (var (path, text) in changes)
        {
            if (text is null)
            {
                result.Remove(path);
            }
            else
            {
                result[path] = text;
            }
        }

        return result;
    }

    /// <summary>The changes that turn <paramref name="from"/> into <paramref name="to"/>.</summary>
    public static Dictionary<string, string?> Changes(IReadOnlyDictionary<string, string> from, IReadOnlyDictionary<string, string> to)
    {
        var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (path, text) in to.Where(f => !from.TryGetValue(f.Key, out var old) || Normalize(old) != Normalize(f.Value)))
        {
            changes[path] = text;
        }

        foreach (var path in from.Keys.Where(p => !to.ContainsKey(p)))
        {
            changes[path] = null;
        }

        return changes;
    }

    /// <summary>A path inside the content layout: relative, forward slashes, no way out of the folder.</summary>
    public static bool IsValidPath(string path) =>
        path.Length is > 0 and <= 200
        && (path.EndsWith(".yaml", StringComparison.Ordinal) || path.EndsWith(".md", StringComparison.Ordinal))
        && !path.StartsWith('/')
        && path.Split('/').All(part => part.Length > 0 && part != "." && part != ".." && part.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'));

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);
}
