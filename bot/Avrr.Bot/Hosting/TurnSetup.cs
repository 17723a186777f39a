using Avrr.Bot.Changes;
using Avrr.Bot.Common;
using Avrr.Bot.DirectLine;
using Avrr.Bot.Privacy;
using Avrr.Bot.Turns;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Hosting;

internal static class TurnSetup
{
    public static WebApplicationBuilder AddTurnPipeline(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<BotOptions>().BindConfiguration(BotOptions.Section);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<TurnSessionPool>();
        builder.Services.AddSingleton<ConversationLocks>();
        builder.Services.AddSingleton<ConversationEvents>();
        builder.Services.AddSingleton<ChangeFeed>();
        builder.Services.AddHostedService<ChangeListener>();
        builder.Services.AddSingleton<ActivityLog>();
        builder.Services.AddSingleton<UnansweredQuestions>();
        builder.Services.AddSingleton<ConversationDirectory>();
        builder.Services.AddSingleton<HandoffEvents>();
        builder.Services.AddSingleton<TurnPipeline>();
        builder.Services.AddSingleton<InboxSignal>();
        builder.Services.AddSingleton<InboxIntake>();
        builder.Services.AddHostedService<InboxWorker>();
        return builder;
    }

    public static WebApplicationBuilder AddDirectLine(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DirectLineOptions>().BindConfiguration(DirectLineOptions.Section);
        builder.Services.AddSingleton<DirectLineSecret>();
        builder.Services.AddSingleton<DirectLineTokens>();
        builder.Services.AddSingleton<IStartupStep, LoadDirectLineSecret>();
        return builder;
    }

    public static WebApplication MapDirectLineEndpoints(this WebApplication app)
    {
        app.MapDirectLine();
        return app;
    }

    private sealed class LoadDirectLineSecret(DirectLineSecret secret, IOptions<DirectLineOptions> options, HostSecrets secrets) : IStartupStep
    {
        public Task RunAsync(CancellationToken ct) => secret.LoadAsync(options, secrets, ct);
    }
}
