using Avrr.Bot.Hosting;
using Avrr.Bot.WebChat;

var builder = WebApplication.CreateBuilder(args);
builder.AddOperations();
builder.AddAvrrStorage();
builder.AddTurnPipeline();
builder.AddConversationEngine();
builder.AddDirectLine();
builder.AddWebChat();

var app = builder.Build();
await app.MigrateStorageAsync();
app.MapOperations();
app.MapDirectLineEndpoints();
app.MapWebChat();
await app.RunAsync();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
