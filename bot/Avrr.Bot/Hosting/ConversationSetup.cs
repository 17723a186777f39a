using Avrr.Bot.Common;
using Avrr.Bot.Knowledge;
using Avrr.Dialogs;
using Avrr.Dialogs.Intake;
using Avrr.Knowledge;

namespace Avrr.Bot.Hosting;

internal static class ConversationSetup
{
    /// <summary>The knowledge content and the intake conversation that runs on it.</summary>
    public static WebApplicationBuilder AddConversationEngine(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<KnowledgeOptions>().BindConfiguration(KnowledgeOptions.Section);
        // Published versions are loaded from the store before traffic (KnowledgeStartup); invalid shipped content
        // stops the host with every problem listed. Lookups are in memory from then on.
        builder.Services.AddSingleton<PublishedKnowledge>();
        builder.Services.AddSingleton<IKnowledgeSource>(services => services.GetRequiredService<PublishedKnowledge>());
        builder.Services.AddSingleton<KnowledgeStore>();
        builder.Services.AddSingleton<IStartupStep, KnowledgeStartup>();
        builder.Services.AddHostedService<PublishedKnowledgeRefresher>();
        builder.Services.AddSingleton(services =>
        {
            // What the privacy notice says about keeping data comes from the same settings the retention sweep uses.
            var retention = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Privacy.PrivacyOptions>>().Value.Retention;
            static int Days(TimeSpan period) => Math.Max(1, (int)Math.Ceiling(period.TotalDays));
            return new DataTerms(Days(retention.Conversations), Days(retention.ClosedCases))
            {
                MachineTranslation = services.GetRequiredService<Translation.Translator>().Enabled,
            };
        });
        builder.Services.AddSingleton<IDialogEngine, IntakeEngine>();
        return builder;
    }
}
