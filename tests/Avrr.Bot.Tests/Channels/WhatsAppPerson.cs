using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Avrr.Channels.Fakes.WhatsApp;
using Webhook = Avrr.Channels.Fakes.WhatsApp.WhatsAppWebhook;

namespace Avrr.Bot.Tests.Channels;

/// <summary>
/// A person on WhatsApp: what they write reaches the bot as a signed Cloud API webhook (as Meta posts it), and what the
/// bot sends them is what the Graph fake received.
/// </summary>
internal sealed class WhatsAppPerson(WhatsAppFake fake, HttpClient bot, string phoneNumberId, string appSecret, string waId)
{
    private static int _wamids;

    public string WaId => waId;

    public async Task<HttpResponseMessage> PostAsync(string body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/channels/whatsapp", UriKind.Relative)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null)
        {
            request.Headers.Add(Webhook.SignatureHeader, signature);
        }

        return await bot.SendAsync(request);
    }

    public async Task<string> WritesAsync(string text, DateTimeOffset? at = null)
    {
        var wamid = $"wamid.test{Interlocked.Increment(ref _wamids)}";
        var when = at ?? DateTimeOffset.UtcNow;
        fake.UserMessaged(waId, when);
        fake.Inbound(wamid);
        var body = Webhook.TextMessage(phoneNumberId, waId, wamid, text, when);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(body, Webhook.Sign(body, appSecret))).StatusCode);
        return wamid;
    }

    /// <summary>Says hello, chooses English and agrees, as a person starting out types it, and waits for the menu.</summary>
    public async Task AgreesAsync()
    {
        await WritesAsync("hello");
        await ReadsAsync("language");
        await WritesAsync("English");
        await ReadsAsync("Do you agree");
        await WritesAsync("yes");
        await ReadsAsync("What would you like to do?");
    }

    /// <summary>Presses the reply button or list row with this title (or, for a shortened row, this description).</summary>
    public async Task PressesAsync(string title)
    {
        var (id, shown, isList) = fake.Sent.Where(s => s.To == waId && s.Type == "interactive").Reverse().SelectMany(s => Options(s.Body))
            .FirstOrDefault(o => o.Title == title || o.Description == title) is { Id: not null } option
            ? (option.Id, option.Title, option.IsList)
            : throw new InvalidOperationException($"No option '{title}'");
        var wamid = $"wamid.test{Interlocked.Increment(ref _wamids)}";
        var now = DateTimeOffset.UtcNow;
        fake.UserMessaged(waId, now);
        fake.Inbound(wamid);
        var body = isList ? Webhook.ListReply(phoneNumberId, waId, wamid, id, shown, now) : Webhook.ButtonReply(phoneNumberId, waId, wamid, id, shown, now);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(body, Webhook.Sign(body, appSecret))).StatusCode);
    }

    public async Task<WhatsAppSent> ReadsAsync(string expected)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (fake.Sent.LastOrDefault(s => s.To == waId && s.Text.Contains(expected, StringComparison.Ordinal)) is { } found)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Never read '{expected}'. Sent: {string.Join(" | ", fake.Sent.Select(s => s.Text))}; requests: {string.Join(", ", fake.Requests.Select(r => $"{r.Status}/{r.ErrorCode}"))}");
    }

    private static IEnumerable<(string? Id, string Title, string? Description, bool IsList)> Options(JsonObject body)
    {
        var interactive = body["interactive"]!;
        foreach (var button in interactive["action"]?["buttons"]?.AsArray() ?? [])
        {
            yield return (button!["reply"]!["id"]!.GetValue<string>(), button["reply"]!["title"]!.GetValue<string>(), null, false);
        }

        foreach (var row in (interactive["action"]?["sections"]?.AsArray() ?? []).SelectMany(s => s!["rows"]!.AsArray()))
        {
            yield return (row!["id"]!.GetValue<string>(), row["title"]!.GetValue<string>(), row["description"]?.GetValue<string>(), true);
        }
    }
}
