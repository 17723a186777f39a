using Avrr.Bot.Cli;
using Avrr.Bot.Hosting;
using Avrr.Bot.WebChat;

if (CommandLine.TryRun(args, Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, WebRootPath = WebRoot.Locate() });
builder.UseWebRootFromBuild();
builder.AddOperations();
builder.AddAvrrStorage();
builder.AddTurnPipeline();
builder.AddConversationEngine();
builder.AddDirectLine();
builder.AddWebChat();

var app = builder.Build();
await app.MigrateStorageAsync();

app.UseWebChatPage();
app.UseRouting();
app.UseWebSockets();
app.UseRateLimiter();

app.MapOperations();
app.MapDirectLineEndpoints();
app.MapWebChat();
await app.RunAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
