namespace Avrr.Knowledge.Tests;

/// <summary>The content in knowledge/content, found from the test binaries by walking up to the repository.</summary>
internal static class ShippedContent
{
    public static string Path { get; } = Find();

    public static IKnowledgeSnapshot Snapshot { get; } = KnowledgeLoader.LoadDirectory(Path);

    /// <summary>A fresh, editable copy of the shipped files, for a fixture that changes one thing.</summary>
    public static Dictionary<string, string> Files() => KnowledgeLoader.ReadDirectory(Path).ToDictionary();

    /// <summary>Replaces text in one file, failing the test when the text is not there (the fixture would be stale).</summary>
    public static void Edit(Dictionary<string, string> files, string file, string from, string to)
    {
        Assert.Contains(from, files[file], StringComparison.Ordinal);
        files[file] = files[file].Replace(from, to, StringComparison.Ordinal);
    }

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "knowledge", "content");
            if (File.Exists(System.IO.Path.Combine(candidate, "content.yaml")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("knowledge/content not found above " + AppContext.BaseDirectory);
    }
}
