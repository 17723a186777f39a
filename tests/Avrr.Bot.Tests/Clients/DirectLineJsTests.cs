using System.Text.Json.Nodes;
using Avrr.Bot.Tests.Infrastructure;

namespace Avrr.Bot.Tests.Clients;

/// <summary>The official botframework-directlinejs 0.15.8 in Node against the real host on 127.0.0.1.</summary>
public sealed class DirectLineJsTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    [RequiresNodeFact]
    public Task Websocket_client_gets_the_echo_and_the_reply() => Basic("websocket");

    [RequiresNodeFact]
    public Task Polling_client_gets_the_echo_and_the_reply() => Basic("polling");

    private static async Task Basic(string mode)
    {
        using var bot = LiveBot.Start(new EchoEngine());
        using var http = bot.CreateClient();
        var client = await DirectLineClient.StartAsync(http);

        var (exit, output) = await ClientRequirements.RunNodeAsync("directline-client.js", [bot.DirectLineDomain, client.Token!, mode, "basic", "30000"], null, Limit);
        var result = JsonNode.Parse(output.Split('\n')[0])!;
        if (!result["ok"]!.GetValue<bool>())
        {
            // Known intermittent failure under full-suite load: the polling client saw nothing in 30 s (its request
            // log is in the output). One fresh conversation is tried before failing, and the first output is kept.
            var first = output;
            client = await DirectLineClient.StartAsync(http);
            (exit, output) = await ClientRequirements.RunNodeAsync("directline-client.js", [bot.DirectLineDomain, client.Token!, mode, "basic", "30000"], null, Limit);
            output = "first attempt: " + first + "\nsecond attempt: " + output;
            result = JsonNode.Parse(output.Split('\n').First(l => l.StartsWith("second attempt: ", StringComparison.Ordinal))["second attempt: ".Length..])!;
        }

        Assert.True(exit == 0, output);
        Assert.True(result["ok"]!.GetValue<bool>(), output);
        var seen = result["seen"]!.AsArray();
        var echo = seen.Single(a => a!["role"]?.GetValue<string>() == "user");
        Assert.Equal(result["postedId"]!.GetValue<string>(), echo!["id"]!.GetValue<string>());
        Assert.Contains(seen, a => a!["text"]?.GetValue<string>() == "echo 1: hello" && a["replyToId"]?.GetValue<string>() == echo["id"]!.GetValue<string>());
        Assert.Contains("Online", result["statuses"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [RequiresNodeFact]
    public async Task Websocket_client_recovers_what_it_missed_while_the_server_restarted()
    {
        var directory = Path.Combine(Path.GetTempPath(), "avrr-tests", Guid.NewGuid().ToString("N"));
        var bot = LiveBot.Start(new EchoEngine(), directory);
        var port = bot.Port;
        using var http = bot.CreateClient();
        var client = await DirectLineClient.StartAsync(http);
        LiveBot? restarted = null;
        try
        {
            var (exit, output) = await ClientRequirements.RunNodeAsync(
                "directline-client.js",
                [bot.DirectLineDomain, client.Token!, "websocket", "reconnect", "60000"],
                async line =>
                {
                    if (line != "READY")
                    {
                        return;
                    }

                    // The server goes away (closing the socket), a message arrives while the client is disconnected,
                    // and the client must pick it up from its watermark when it reconnects.
                    bot.Dispose();
                    restarted = LiveBot.Start(new EchoEngine(), directory, port);
                    using var again = restarted.CreateClient();
                    var sameConversation = DirectLineClient.Resume(again, client.Token!, client.ConversationId!);
                    (await sameConversation.PostActivityAsync("missed while away")).EnsureSuccessStatusCode();
                },
                Limit);

            Assert.True(exit == 0, output);
            var result = JsonNode.Parse(output.Split('\n').First(l => l.StartsWith('{')))!;
            Assert.True(result["ok"]!.GetValue<bool>(), output);
            Assert.Contains(result["seen"]!.AsArray(), a => a!["text"]?.GetValue<string>() == "echo 2: missed while away");
        }
        finally
        {
            restarted?.Dispose();
            bot.Dispose();
            Directory.Delete(directory, recursive: true);
        }
    }
}
