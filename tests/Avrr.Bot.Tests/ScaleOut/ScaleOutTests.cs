using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Avrr.Bot.Tests.Infrastructure;
using Avrr.Knowledge;
using Webhook = Avrr.Channels.Fakes.WhatsApp.WhatsAppWebhook;

namespace Avrr.Bot.Tests.ScaleOut;

/// <summary>
/// Several instances for real: two bot processes on one PostgreSQL behind nginx (round robin, no stickiness, the
/// repository's template), with web chat, Telegram and WhatsApp conversations moving between the instances.
/// </summary>
[Collection(PostgresServerGroup.Name)]
public sealed class ScaleOutTests(PostgresServer postgres)
{
    private static readonly IKnowledgeSnapshot K = KnowledgeLoader.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "knowledge", "content"));
    private static int _wamids;

    private static string S(string key) => K.Said(key, "en");

    [ScaleOutFact]
    public async Task A_web_chat_intake_moves_between_instances_and_a_websocket_on_one_gets_replies_made_on_the_other()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(postgres);
        using var viaNginx = cluster.Nginx.CreateClient();

        // The whole intake through nginx: consecutive requests go to alternate instances.
        var person = await DirectLineClient.StartAsync(viaNginx);
        string[] answers = ["hello", "English", "yes", S("menu.check"), S("country.NL"), S("status.no_permit"), S("destination.origin"), S("common.no"), S("common.no"), S("common.yes"), "no", "no", "no"];
        foreach (var answer in answers)
        {
            Assert.Equal(HttpStatusCode.OK, (await person.PostActivityAsync(answer)).StatusCode);
        }

        var transcript = (await person.GetActivitiesAsync()).Activities.Where(a => DirectLineClient.Role(a) == "bot").Select(DirectLineClient.Text).ToList();
        var outcome = K.Said("outcome.likely_eligible", "en", new Dictionary<string, string> { ["programme"] = S("programme.nl.name") });
        Assert.Contains(transcript, t => t?.Contains(outcome, StringComparison.Ordinal) == true);
        List<(string Method, string Path, int Status, string Upstream)> Posts() => [.. cluster.Nginx.Served.Where(s => s.Method == "POST" && s.Path.EndsWith("/activities", StringComparison.Ordinal))];
        await Until.TrueAsync(() => Task.FromResult(Posts().Count == answers.Length), "nginx's access log of the posts");
        var posts = Posts();
        Assert.Contains(posts, p => p.Upstream == cluster.Upstream(0));
        Assert.Contains(posts, p => p.Upstream == cluster.Upstream(1));

        // A WebSocket held by instance A; the message posted to instance B; the reply B produces reaches A's socket.
        var second = await DirectLineClient.StartAsync(viaNginx);
        var onA = second.StreamUrl!.Replace(cluster.Nginx.BaseUrl.Replace("https://", "wss://", StringComparison.Ordinal), $"ws://{cluster.Upstream(0)}", StringComparison.Ordinal);
        using var socketA = new ClientWebSocket();
        await socketA.ConnectAsync(new Uri(onA), CancellationToken.None);
        using var direct = new HttpClient { BaseAddress = new Uri($"http://{cluster.Upstream(1)}") };
        Assert.Equal(HttpStatusCode.OK, (await DirectLineClient.Resume(direct, second.Token!, second.ConversationId!).PostActivityAsync("hello")).StatusCode);
        await ReceivesAsync(socketA, S("lang.prompt"));

        // And a stream opened through nginx (the WebSocket upgrade over TLS) gets replies to what goes through nginx.
        using var resume = second.Request(HttpMethod.Get, $"/v3/directline/conversations/{second.ConversationId}?watermark=0");
        var resumed = await (await viaNginx.SendAsync(resume)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>();
        var streamUrl = resumed!["streamUrl"]!.GetValue<string>();
        Assert.StartsWith(cluster.Nginx.BaseUrl.Replace("https://", "wss://", StringComparison.Ordinal), streamUrl, StringComparison.Ordinal);
        using var socketViaNginx = new ClientWebSocket();
        socketViaNginx.Options.RemoteCertificateValidationCallback = (_, presented, _, _) => cluster.Nginx.IsOwn(presented);
        await socketViaNginx.ConnectAsync(new Uri(streamUrl), CancellationToken.None);
        foreach (var text in new[] { "English", "yes" })
        {
            Assert.Equal(HttpStatusCode.OK, (await second.PostActivityAsync(text)).StatusCode);
        }

        await ReceivesAsync(socketViaNginx, S("menu.prompt"));
        await ReceivesAsync(socketA, S("menu.prompt"));
    }

    [ScaleOutFact]
    public async Task Telegram_and_WhatsApp_webhooks_spread_over_both_instances_run_each_turn_once_and_send_each_reply_once()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(postgres);
        using var viaNginx = cluster.Nginx.CreateClient();
        await Until.TrueAsync(() => Task.FromResult(cluster.Telegram.WebhookUrl == cluster.Nginx.BaseUrl + "/channels/telegram"), "the Telegram webhook set by the instances");
        long[] chats = [9001, 9002, 9003, 9004, 9005, 9006];
        string[] numbers = ["4915100000001", "4915100000002", "4915100000003", "4915100000004", "4915100000005", "4915100000006"];

        foreach (var text in new[] { "hello", "English" })
        {
            foreach (var chat in chats)
            {
                cluster.Telegram.UserSends(chat, text);
            }

            foreach (var number in numbers)
            {
                // Meta redelivers a notification it is unsure about: the copy lands on the other instance.
                var body = WhatsAppMessage(cluster, number, text);
                for (var copy = 0; copy < 2; copy++)
                {
                    var response = await PostWhatsAppAsync(viaNginx, body);
                    Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {cluster.Log()}");
                }
            }

            foreach (var chat in chats)
            {
                await cluster.Telegram.WaitForSentAsync(chat, text == "hello" ? 1 : 2, TimeSpan.FromSeconds(30));
            }

            foreach (var number in numbers)
            {
                await cluster.WhatsApp.WaitForSentAsync(number, text == "hello" ? 1 : 2, TimeSpan.FromSeconds(30));
            }
        }

        await cluster.DrainedAsync(TimeSpan.FromSeconds(30));
        // Nothing more arrives: every turn ran once and every reply went once.
        await Task.Delay(TimeSpan.FromSeconds(2));
        foreach (var chat in chats)
        {
            var sent = cluster.Telegram.Sent.Where(s => s.ChatId == chat).Select(s => s.Text).ToList();
            Assert.Equal(2, sent.Count);
            Assert.Contains(S("lang.prompt"), sent[0], StringComparison.Ordinal);
            Assert.Contains(S("consent.short"), sent[1], StringComparison.Ordinal);
        }

        foreach (var number in numbers)
        {
            var sent = cluster.WhatsApp.Sent.Where(s => s.To == number).Select(s => s.Text).ToList();
            Assert.Equal(2, sent.Count);
            Assert.Contains(S("lang.prompt"), sent[0], StringComparison.Ordinal);
            Assert.Contains(S("consent.short"), sent[1], StringComparison.Ordinal);
        }

        Assert.Equal(chats.Length * 2, await cluster.CountAsync("SELECT count(*) FROM inbox WHERE channel = 'telegram'"));
        Assert.Equal(numbers.Length * 2, await cluster.CountAsync("SELECT count(*) FROM inbox WHERE channel = 'whatsapp'"));
        foreach (var path in new[] { "/channels/telegram", "/channels/whatsapp" })
        {
            var served = cluster.Nginx.Served.Where(s => s.Path == path).Select(s => s.Upstream).ToList();
            Assert.Contains(cluster.Upstream(0), served);
            Assert.Contains(cluster.Upstream(1), served);
        }
    }

    [ScaleOutFact]
    public async Task Killing_one_instance_mid_load_loses_nothing_that_was_acknowledged()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(postgres);
        using var viaNginx = cluster.Nginx.CreateClient();
        var webChats = new List<DirectLineClient>();
        for (var i = 0; i < 3; i++)
        {
            webChats.Add(await DirectLineClient.StartAsync(viaNginx));
        }

        string[] numbers = ["4915200000001", "4915200000002", "4915200000003", "4915200000004", "4915200000005"];
        var acknowledgedWebChat = new System.Collections.Concurrent.ConcurrentBag<(DirectLineClient Client, string Id)>();
        var acknowledgedWhatsApp = new System.Collections.Concurrent.ConcurrentBag<string>();
        var rounds = 10;
        var killed = new TaskCompletionSource();
        var people = webChats.Select(client => Task.Run(async () =>
        {
            for (var round = 0; round < rounds; round++)
            {
                // As Web Chat does: a failed post is tried again; only a 200 is an acknowledgement.
                for (var attempt = 0; attempt < 5; attempt++)
                {
                    try
                    {
                        var response = await client.PostActivityAsync(round % 2 == 0 ? "hello" : "what is this?");
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            acknowledgedWebChat.Add((client, (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>()));
                            break;
                        }
                    }
                    catch (HttpRequestException)
                    {
                        // The connection to nginx broke with the instance behind it: not acknowledged.
                    }

                    await Task.Delay(100);
                }

                if (round == rounds / 2)
                {
                    killed.TrySetResult();
                }
            }
        })).Concat(numbers.Select(number => Task.Run(async () =>
        {
            for (var round = 0; round < rounds; round++)
            {
                var body = WhatsAppMessage(cluster, number, round % 2 == 0 ? "hello" : "what is this?");
                for (var attempt = 0; attempt < 5; attempt++)
                {
                    try
                    {
                        if ((await PostWhatsAppAsync(viaNginx, body)).StatusCode == HttpStatusCode.OK)
                        {
                            acknowledgedWhatsApp.Add(number);
                            break;
                        }
                    }
                    catch (HttpRequestException)
                    {
                        // Not acknowledged: Meta sends it again.
                    }

                    await Task.Delay(100);
                }
            }
        }))).ToList();

        await killed.Task.WaitAsync(TimeSpan.FromSeconds(60));
        cluster.Kill(1);
        await Task.WhenAll(people).WaitAsync(TimeSpan.FromSeconds(120));

        // Instance A finishes what B acknowledged: B's claims on outbox rows lapse after their 60 s lease.
        await cluster.DrainedAsync(TimeSpan.FromSeconds(100));
        Assert.Equal(webChats.Count * rounds, acknowledgedWebChat.Count);
        Assert.Equal(numbers.Length * rounds, acknowledgedWhatsApp.Count);
        foreach (var group in acknowledgedWebChat.GroupBy(a => a.Client))
        {
            using var http = cluster.Nginx.CreateClient();
            var activities = (await DirectLineClient.Resume(http, group.Key.Token!, group.Key.ConversationId!).GetActivitiesAsync()).Activities;
            foreach (var (_, id) in group)
            {
                var index = activities.FindIndex(a => a["id"]?.GetValue<string>() == id);
                Assert.True(index >= 0, $"acknowledged activity {id} is missing");
                Assert.True(index + 1 < activities.Count && DirectLineClient.Role(activities[index + 1]) == "bot", $"acknowledged activity {id} has no reply");
            }
        }

        // Every WhatsApp message acknowledged was stored and had its turn, and every reply made reached the platform.
        Assert.Equal(numbers.Length * rounds, await cluster.CountAsync("SELECT count(*) FROM inbox WHERE channel = 'whatsapp' AND status = 0"));
        var replies = await cluster.CountAsync("SELECT count(*) FROM activities a JOIN conversations c ON c.id = a.conversation_id WHERE c.channel = 'whatsapp' AND a.direction = 1");
        Assert.Equal(replies, await cluster.CountAsync("SELECT count(*) FROM activities a JOIN conversations c ON c.id = a.conversation_id WHERE c.channel = 'whatsapp' AND a.direction = 1 AND a.delivery >= 3 AND a.delivery <> 4 AND a.delivery <> 5"));
        // At least once: a send B made just before it died may go again from A, since no platform takes an idempotency key.
        Assert.True(cluster.WhatsApp.Sent.Count >= replies, $"{cluster.WhatsApp.Sent.Count} sent for {replies} replies");
    }

    private static string WhatsAppMessage(ScaleOutCluster cluster, string number, string text)
    {
        var wamid = "wamid.scale" + Interlocked.Increment(ref _wamids).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var now = DateTimeOffset.UtcNow;
        cluster.WhatsApp.UserMessaged(number, now);
        cluster.WhatsApp.Inbound(wamid);
        return Webhook.TextMessage(ScaleOutCluster.PhoneNumberId, number, wamid, text, now);
    }

    private static async Task<HttpResponseMessage> PostWhatsAppAsync(HttpClient http, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/channels/whatsapp", UriKind.Relative)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(Webhook.SignatureHeader, Webhook.Sign(body, ScaleOutCluster.AppSecret));
        return await http.SendAsync(request);
    }

    /// <summary>Reads activity sets from the stream (bounded) until a bot message contains <paramref name="expected"/>.</summary>
    private static async Task ReceivesAsync(ClientWebSocket socket, string expected)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[64 * 1024];
        var seen = new List<string>();
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                try
                {
                    result = await socket.ReceiveAsync(buffer, timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new TimeoutException($"The stream never carried '{expected}'; it carried: {string.Join(" | ", seen)}");
                }

                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            if (message.Length == 0)
            {
                continue;
            }

            var set = JsonNode.Parse(message.ToArray());
            foreach (var activity in set?["activities"]?.AsArray() ?? [])
            {
                var text = activity?["text"]?.GetValue<string>() ?? "";
                seen.Add(text);
                if (activity?["from"]?["role"]?.GetValue<string>() == "bot" && text.Contains(expected, StringComparison.Ordinal))
                {
                    return;
                }
            }
        }
    }
}
