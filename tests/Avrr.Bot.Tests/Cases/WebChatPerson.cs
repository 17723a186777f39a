using Avrr.Bot.Tests.Infrastructure;

namespace Avrr.Bot.Tests.Cases;

/// <summary>A person in web chat, driven over the Direct Line protocol: what they write, and what reached them since.</summary>
internal sealed class WebChatPerson
{
    private readonly DirectLineClient _client;
    private string? _watermark;

    private WebChatPerson(DirectLineClient client) => _client = client;

    public string ConversationId => _client.ConversationId!;

    /// <summary>The single-use WebSocket address Direct Line handed out with the conversation.</summary>
    public string StreamUrl => _client.StreamUrl!;

    public static async Task<WebChatPerson> StartAsync(HttpClient http) => new(await DirectLineClient.StartAsync(http));

    /// <summary>A person in English who agrees to consent and asks for a counsellor; the reference of the case that opens.</summary>
    public static async Task<(WebChatPerson Person, string Reference)> AsksForACounsellorAsync(BotFactory bot)
    {
        var person = await StartAsync(bot.CreateClient());
        foreach (var text in new[] { "hello", "English", "yes", "counsellor" })
        {
            await person.SaysAsync(text);
        }

        return (person, await Counsellors.OpenCaseAsync(bot.Services, person.ConversationId));
    }

    /// <summary>Writes (the turn runs before the post returns) and returns what the bot and counsellors said since.</summary>
    public async Task<string> SaysAsync(string text)
    {
        (await _client.PostActivityAsync(text)).EnsureSuccessStatusCode();
        return await ReadAsync();
    }

    /// <summary>Everything sent to the person since the last read (counsellors' messages included).</summary>
    public async Task<string> ReadAsync()
    {
        var (activities, next) = await _client.GetActivitiesAsync(_watermark);
        _watermark = next ?? _watermark;
        return string.Join("\n", activities.Where(a => DirectLineClient.Role(a) == "bot").Select(DirectLineClient.Text));
    }

    /// <summary>Every activity of the conversation as the client sees it (for checking what never reached it).</summary>
    public async Task<string> AllAsync() => string.Join("\n", (await _client.GetActivitiesAsync()).Activities.Select(a => a.ToJsonString()));
}
