using Avrr.Bot.Admin;
using Avrr.Bot.Channels;
using Avrr.Bot.Cli;
using Avrr.Bot.Console;
using Avrr.Bot.Hosting;
using Avrr.Bot.Staff;
using Avrr.Bot.WebChat;

if (HealthCommand.Matches(args))
{
    return await HealthCommand.RunAsync(args, Console.Out, Console.Error);
}

if (CommandLine.TryRun(args, Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

// A staff command's own arguments are not configuration.
var command = UserCommands.Matches(args) || KnowledgeCommands.Matches(args) || PrivacyCommands.Matches(args);
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = command ? [] : args, WebRootPath = WebRoot.Locate() });
builder.UseWebRootFromBuild();
builder.AddAvrrHost();

var app = builder.Build();
await app.MigrateStorageAsync();
if (command)
{
    return UserCommands.Matches(args) ? await UserCommands.RunAsync(app.Services, args, Console.In, Console.Out, Console.Error)
        : KnowledgeCommands.Matches(args) ? await KnowledgeCommands.RunAsync(app.Services, args, Console.Out, Console.Error)
        : await PrivacyCommands.RunAsync(app.Services, args, Console.Out, Console.Error);
}

// Start-up leaves garbage (the content parsed and checked, the data model built): it goes back to the operating
// system before traffic, so an idle instance stays small (docs/benchmarks.md).
GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

app.UseEdge();
app.UseWebChatPage();
app.UseRouting();
app.UseWebSockets();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();
app.UseTwoFactorRequirement();
app.UseAntiforgery();

app.MapOperations();
app.MapDirectLineEndpoints();
app.MapWebChat();
app.MapPushChannels();
app.MapAdmin();
app.MapConsole();
await app.RunAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
