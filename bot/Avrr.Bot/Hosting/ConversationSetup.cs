using Avrr.Dialogs;
using Avrr.Dialogs.Intake;
using Avrr.Knowledge;

namespace Avrr.Bot.Hosting;

public sealed class KnowledgeOptions
{
    public const string Section = "Knowledge";

    /// <summary>The content directory; by default the <c>knowledge/content</c> published beside the binary.</summary>
    public string? ContentPath { get; set; }

    internal string ResolvedContentPath => string.IsNullOrWhiteSpace(ContentPath) ? DefaultContentPath : Path.GetFullPath(ContentPath);

    internal static string DefaultContentPath => Path.Combine(AppContext.BaseDirectory, "knowledge", "content");
}

internal static class ConversationSetup
{
    /// <summary>The knowledge content and the intake conversation that runs on it.</summary>
    public static WebApplicationBuilder AddConversationEngine(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(KnowledgeOptions.Section).Get<KnowledgeOptions>() ?? new KnowledgeOptions();
        // Loaded and validated once at start-up: invalid content stops the host with every problem listed.
        builder.Services.AddSingleton<IKnowledgeSource>(_ => new FileKnowledgeSource(options.ResolvedContentPath));
        builder.Services.AddSingleton<IDialogEngine, IntakeEngine>();
        return builder;
    }
}
