using System.Net.Http.Headers;
using System.Text;
using Avrr.Bot.Tests.Infrastructure;
using FsCheck.Fluent;

namespace Avrr.Bot.Tests.DirectLine;

/// <summary>No bad input gets a 5xx: Web Chat retries or stops polling on server errors (the Direct Line 3.0 API reference).</summary>
public sealed class DirectLineFuzzTests : IDisposable
{
    private readonly BotFactory _factory = new() { Engine = new EchoEngine() };
    private readonly HttpClient _http;

    public DirectLineFuzzTests() => _http = _factory.CreateClient();

    public void Dispose()
    {
        _http.Dispose();
        _factory.Dispose();
    }

    private static readonly string[] Fragments =
    [
        "{", "}", "[", "]", "\"type\"", ":", ",", "\"message\"", "\"text\"", "\"channelData\"", "null", "true", "1e400",
        "\"from\"", "{\"id\":5}", "\"\\u0000\"", "\"\\ud800\"", "\"value\"", "\"timestamp\"", "\"not a date\"", "\"attachments\"",
        "\"suggestedActions\"", "\"locale\"", "-1", "\"event\"", "\"name\"", "\"typing\"", "ü", "مرحبا", "😀", " ",
    ];

    [Fact]
    public async Task Random_activity_bodies_never_get_a_server_error()
    {
        var client = await DirectLineClient.StartAsync(_http);
        var body = Gen.ListOf(Gen.Elements(Fragments)).Select(parts => string.Concat(parts));
        var failures = new List<string>();

        // The test server has no synchronous send, so FsCheck generates and the loop sends.
        foreach (var text in body.Sample(300, 20))
        {
            using var request = client.Request(HttpMethod.Post, $"/v3/directline/conversations/{client.ConversationId}/activities");
            request.Content = new StringContent(text, Encoding.UTF8, "application/json");
            if ((int)(await _http.SendAsync(request)).StatusCode >= 500)
            {
                failures.Add(text);
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task Random_watermarks_ids_and_authorization_headers_never_get_a_server_error()
    {
        var client = await DirectLineClient.StartAsync(_http);
        var junk = Gen.Elements("", "-5", "abc", "99999999999999999999", "%00", "1.5", "../", "0", "😀", "a|b");

        var auths = Gen.Elements("Bearer ", "Bearer x.y.z", "Basic abc", "", "Bearer " + client.Token);
        var cases = junk.Zip(junk).Zip(auths).Sample(20, 200);
        var failures = new List<string>();
        foreach (var ((watermark, id), auth) in cases)
        {
            using var poll = new HttpRequestMessage(HttpMethod.Get, $"/v3/directline/conversations/{Uri.EscapeDataString(id)}/activities?watermark={Uri.EscapeDataString(watermark)}");
            if (auth.Length > 0)
            {
                poll.Headers.TryAddWithoutValidation("Authorization", auth);
            }

            using var reconnect = new HttpRequestMessage(HttpMethod.Get, $"/v3/directline/conversations/{client.ConversationId}?watermark={Uri.EscapeDataString(watermark)}");
            reconnect.Headers.Authorization = new AuthenticationHeaderValue("Bearer", client.Token);
            if ((int)(await _http.SendAsync(poll)).StatusCode >= 500 || (int)(await _http.SendAsync(reconnect)).StatusCode >= 500)
            {
                failures.Add($"{watermark} {id} {auth}");
            }
        }

        Assert.Empty(failures);
    }
}
