namespace Avrr.Bot.Knowledge;

public sealed class KnowledgeOptions
{
    public const string Section = "Knowledge";

    /// <summary>
    /// The shipped content directory, by default the <c>knowledge/content</c> published beside the binary. It seeds
    /// the store: the published versions administrators work on live in the database.
    /// </summary>
    public string? ContentPath { get; set; }

    /// <summary>How often an instance checks whether another one published or rolled back (seconds).</summary>
    public int RefreshSeconds { get; set; } = 5;

    /// <summary>When true, a draft is published only after a second administrator approves it.</summary>
    public bool RequireSecondApproval { get; set; }

    internal string ResolvedContentPath => string.IsNullOrWhiteSpace(ContentPath) ? DefaultContentPath : Path.GetFullPath(ContentPath);

    internal static string DefaultContentPath => Path.Combine(AppContext.BaseDirectory, "knowledge", "content");
}
