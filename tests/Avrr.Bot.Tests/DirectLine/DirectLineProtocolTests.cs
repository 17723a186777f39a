using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Avrr.Bot.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Avrr.Bot.Tests.DirectLine;

public sealed class DirectLineProtocolTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    private readonly BotFactory _factory;
    private readonly HttpClient _http;

    public DirectLineProtocolTests()
    {
        // Many conversations from one test client: the per-address post limit is not what these tests are about.
        _factory = new BotFactory { Engine = new EchoEngine(), Time = _time }.With("Channels:DirectLine:PostsPerMinutePerClient", "100000");
        _http = _factory.CreateClient();
    }

    public void Dispose()
    {
        _http.Dispose();
        _factory.Dispose();
    }

    [Fact]
    public async Task Posted_message_is_echoed_with_its_client_activity_id_and_answered_by_the_bot()
    {
        var client = await DirectLineClient.StartAsync(_http);
        var post = await client.PostActivityAsync("hello", clientActivityId: "c-1");
        post.EnsureSuccessStatusCode();
        var id = (await post.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();

        var (activities, watermark) = await client.GetActivitiesAsync();

        Assert.Equal(2, activities.Count);
        var echo = activities[0];
        Assert.Equal(id, echo["id"]!.GetValue<string>());
        Assert.Equal($"{client.ConversationId}|0000000", id);
        Assert.Equal("c-1", echo["channelData"]!["clientActivityID"]!.GetValue<string>());
        Assert.Equal("user", DirectLineClient.Role(echo));
        Assert.StartsWith("dl_", echo["from"]!["id"]!.GetValue<string>(), StringComparison.Ordinal);
        var reply = activities[1];
        Assert.Equal("bot", DirectLineClient.Role(reply));
        Assert.Equal("echo 1: hello", DirectLineClient.Text(reply));
        Assert.Equal(id, reply["replyToId"]!.GetValue<string>());
        Assert.EndsWith("Z", reply["timestamp"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("1", watermark);
    }

    [Fact]
    public async Task Polling_from_a_watermark_returns_only_newer_activities()
    {
        var client = await DirectLineClient.StartAsync(_http);
        (await client.PostActivityAsync("one")).EnsureSuccessStatusCode();
        var (_, watermark) = await client.GetActivitiesAsync();
        (await client.PostActivityAsync("two")).EnsureSuccessStatusCode();

        var (newer, next) = await client.GetActivitiesAsync(watermark);

        Assert.Equal(["two", "echo 2: two"], newer.Select(DirectLineClient.Text));
        Assert.Equal("3", next);
        var (none, same) = await client.GetActivitiesAsync(next);
        Assert.Empty(none);
        Assert.Equal("3", same);
    }

    [Fact]
    public async Task A_conversation_token_polls_its_conversation_before_the_first_message()
    {
        var client = await DirectLineClient.StartAsync(_http);

        var (activities, _) = await client.GetActivitiesAsync();

        Assert.Empty(activities);
    }

    [Fact]
    public async Task Duplicate_post_with_the_same_client_activity_id_runs_one_turn()
    {
        var client = await DirectLineClient.StartAsync(_http);
        var first = await (await client.PostActivityAsync("hello", "same")).Content.ReadFromJsonAsync<JsonObject>();
        var second = await (await client.PostActivityAsync("hello", "same")).Content.ReadFromJsonAsync<JsonObject>();

        var (activities, _) = await client.GetActivitiesAsync();

        Assert.Equal(2, activities.Count);
        Assert.Equal(first!["id"]!.GetValue<string>(), second!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Expired_token_gets_403_TokenExpired()
    {
        var client = await DirectLineClient.StartAsync(_http);
        _time.Advance(TimeSpan.FromMinutes(31));

        var response = await client.PostActivityAsync("late");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("TokenExpired", (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Refreshed_token_outlives_the_original()
    {
        var client = await DirectLineClient.StartAsync(_http);
        _time.Advance(TimeSpan.FromMinutes(20));
        using var refresh = client.Request(HttpMethod.Post, "/v3/directline/tokens/refresh");
        var refreshed = await (await _http.SendAsync(refresh)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(client.ConversationId, refreshed!["conversationId"]!.GetValue<string>());
        _time.Advance(TimeSpan.FromMinutes(20));

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v3/directline/conversations/{client.ConversationId}/activities");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", refreshed["token"]!.GetValue<string>());
        var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJjb252IjoieCJ9.AAAA")]
    [InlineData("not-a-token")]
    [InlineData("wrong-secret")]
    public async Task Forged_token_gets_403(string forged)
    {
        var client = await DirectLineClient.StartAsync(_http);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v3/directline/conversations/{client.ConversationId}/activities");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", forged);

        var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Token_signed_for_another_conversation_cannot_read_this_one_and_learns_nothing()
    {
        var alice = await DirectLineClient.StartAsync(_http);
        var mallory = await DirectLineClient.StartAsync(_http);
        (await alice.PostActivityAsync("private")).EnsureSuccessStatusCode();

        using var request = mallory.Request(HttpMethod.Get, $"/v3/directline/conversations/{alice.ConversationId}/activities");
        var response = await _http.SendAsync(request);

        // The same answer as for an id that does not exist: whether Alice's conversation exists is not revealed.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_poll_racing_a_turn_never_returns_a_watermark_past_the_activities_it_returned()
    {
        // The race behind a web chat that never showed its greeting: the watermark must come from the same read.
        for (var round = 0; round < 300; round++)
        {
            var client = await DirectLineClient.StartAsync(_http);
            var post = client.PostActivityAsync("hello " + round);
            var polls = Enumerable.Range(0, 20).Select(_ => client.GetActivitiesAsync()).ToList();
            (await post).EnsureSuccessStatusCode();
            foreach (var (activities, watermark) in await Task.WhenAll(polls))
            {
                var highest = activities.Count == 0 ? "" : activities[^1]["id"]!.GetValue<string>().Split('|')[1].TrimStart('0') is { Length: > 0 } seq ? seq : "0";
                Assert.Equal(highest, watermark ?? "");
            }
        }
    }

    [Fact]
    public async Task Missing_authorization_gets_401()
    {
        var response = await _http.PostAsync("/v3/directline/conversations", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Malformed_json_gets_400_in_the_direct_line_error_shape()
    {
        var client = await DirectLineClient.StartAsync(_http);
        using var request = client.Request(HttpMethod.Post, $"/v3/directline/conversations/{client.ConversationId}/activities", "{\"type\": \"message\", \"text\": ");

        var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BadArgument", (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Activity_without_a_type_gets_400_MissingProperty()
    {
        var client = await DirectLineClient.StartAsync(_http);
        using var request = client.Request(HttpMethod.Post, $"/v3/directline/conversations/{client.ConversationId}/activities", "{\"text\":\"hi\"}");

        var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("MissingProperty", (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_300_KB_activity_gets_413_and_nothing_is_stored()
    {
        var client = await DirectLineClient.StartAsync(_http);

        var response = await client.PostActivityAsync(new string('a', 300 * 1024));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("MessageSizeTooBig", (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]!.GetValue<string>());
        Assert.Empty((await client.GetActivitiesAsync()).Activities);
    }

    [Fact]
    public async Task Unknown_conversation_gets_404_with_the_secret_and_with_another_token()
    {
        var client = await DirectLineClient.StartAsync(_http);
        using var withSecret = new HttpRequestMessage(HttpMethod.Get, "/v3/directline/conversations/does-not-exist/activities");
        withSecret.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BotFactory.DirectLineSecret);
        using var withToken = client.Request(HttpMethod.Post, "/v3/directline/conversations/does-not-exist/activities", "{\"type\":\"message\",\"text\":\"x\"}");

        Assert.Equal(HttpStatusCode.NotFound, (await _http.SendAsync(withSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.SendAsync(withToken)).StatusCode);
    }

    [Fact]
    public async Task Starting_a_conversation_returns_201_then_200_for_the_same_token_once_it_exists()
    {
        var client = await DirectLineClient.StartAsync(_http);
        (await client.PostActivityAsync("hi")).EnsureSuccessStatusCode();

        using var again = client.Request(HttpMethod.Post, "/v3/directline/conversations");
        var response = await _http.SendAsync(again);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.StartsWith("ws://", body!["streamUrl"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(body["token"]);
    }

    [Fact]
    public async Task Token_generation_requires_the_secret()
    {
        var client = await DirectLineClient.StartAsync(_http);
        using var request = client.Request(HttpMethod.Post, "/v3/directline/tokens/generate");

        Assert.Equal(HttpStatusCode.Forbidden, (await _http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Web_page_token_endpoint_never_reveals_the_secret()
    {
        var response = await _http.PostAsync("/webchat/token", null);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(BotFactory.DirectLineSecret, body, StringComparison.Ordinal);
        Assert.Contains("\"token\"", body, StringComparison.Ordinal);
    }
}
