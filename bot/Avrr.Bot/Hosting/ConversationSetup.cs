namespace Avrr.Bot.Hosting;

internal static class ConversationSetup
{
    /// <summary>The knowledge content and the dialog engine that runs on it.</summary>
    public static WebApplicationBuilder AddConversationEngine(this WebApplicationBuilder builder) => builder;
}
