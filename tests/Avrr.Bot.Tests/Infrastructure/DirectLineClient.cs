using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Avrr.Bot.Tests.Infrastructure;

/// <summary>A minimal Direct Line client over HttpClient, as a test would drive the protocol by hand.</summary>
internal sealed class DirectLineClient(HttpClient http)
{
    public string? Token { get; private set; }

    public string? ConversationId { get; private set; }

    public string? StreamUrl { get; private set; }

    /// <summary>The same conversation through another HttpClient (e.g. after the server restarted).</summary>
    public static DirectLineClient Resume(HttpClient http, string token, string conversationId) =>
        new(http) { Token = token, ConversationId = conversationId };

    public static async Task<DirectLineClient> StartAsync(HttpClient http)
    {
        var client = new DirectLineClient(http);
        using var generate = new HttpRequestMessage(HttpMethod.Post, "/v3/directline/tokens/generate");
        generate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BotFactory.DirectLineSecret);
        var token = await (await http.SendAsync(generate)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>();
        client.Token = token!["token"]!.GetValue<string>();

        using var start = client.Request(HttpMethod.Post, "/v3/directline/conversations");
        var conversation = await (await http.SendAsync(start)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>();
        client.ConversationId = conversation!["conversationId"]!.GetValue<string>();
        client.StreamUrl = conversation["streamUrl"]!.GetValue<string>();
        return client;
    }

    public HttpRequestMessage Request(HttpMethod method, string path, string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return request;
    }

    public async Task<HttpResponseMessage> PostActivityAsync(string text, string? clientActivityId = null, string? locale = null)
    {
        var activity = new JsonObject
        {
            ["type"] = "message",
            ["text"] = text,
            ["from"] = new JsonObject { ["id"] = "ignored", ["name"] = "Tester", ["role"] = "user" },
            ["locale"] = locale ?? "en-US",
            ["channelData"] = new JsonObject { ["clientActivityID"] = clientActivityId ?? Guid.NewGuid().ToString("N") },
        };
        using var request = Request(HttpMethod.Post, $"/v3/directline/conversations/{ConversationId}/activities", activity.ToJsonString());
        return await http.SendAsync(request);
    }

    public async Task<(List<JsonObject> Activities, string? Watermark)> GetActivitiesAsync(string? watermark = null)
    {
        using var request = Request(HttpMethod.Get, $"/v3/directline/conversations/{ConversationId}/activities?watermark={watermark}");
        var set = await (await http.SendAsync(request)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>();
        var activities = set!["activities"]!.AsArray().Select(a => a!.AsObject()).ToList();
        return (activities, set["watermark"]?.GetValue<string>());
    }

    public static string? Text(JsonObject activity) => activity["text"]?.GetValue<string>();

    public static string Role(JsonObject activity) => activity["from"]!["role"]!.GetValue<string>();

    public static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
