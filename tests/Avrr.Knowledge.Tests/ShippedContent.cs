namespace Avrr.Knowledge.Tests;

/// <summary>The content in knowledge/content, found from the test binaries by walking up to the repository.</summary>
internal static class ShippedContent
{
    public static string Path { get; } = Find();

    public static IKnowledgeSnapshot Snapshot { get; } = KnowledgeLoader.LoadDirectory(Path);

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
