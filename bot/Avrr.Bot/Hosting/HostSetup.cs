using Avrr.Bot.Admin;
using Avrr.Bot.Audit;
using Avrr.Bot.Channels;
using Avrr.Bot.Console;
using Avrr.Bot.Privacy;
using Avrr.Bot.Staff;
using Avrr.Bot.Translation;
using Avrr.Bot.WebChat;

namespace Avrr.Bot.Hosting;

/// <summary>
/// Every service the host runs, registered in one place: the host itself (Program.cs) and the benchmark that drives
/// it over loopback use this, so what is measured is what runs.
/// </summary>
public static class HostSetup
{
    public static WebApplicationBuilder AddAvrrHost(this WebApplicationBuilder builder)
    {
        builder.AddOperations();
        builder.AddEdge();
        builder.AddAvrrStorage();
        builder.AddAudit();
        builder.AddPrivacy();
        builder.AddTurnPipeline();
        builder.AddConversationEngine();
        builder.AddDirectLine();
        builder.AddWebChat();
        builder.AddPushChannels();
        builder.AddStaffSignIn();
        builder.AddAdmin();
        builder.AddConsole();
        builder.AddTranslation();
        return builder;
    }
}
