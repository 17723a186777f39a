using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Channels.Telegram;

/// <summary>
/// A small typed client for the Bot API methods the bot uses (protocols.md §3). Its own HttpClient, not the factory's,
/// because request URLs carry the token and the factory logs URLs.
/// </summary>
public sealed class TelegramClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _prefix;

    public TelegramClient(IOptions<TelegramOptions> options)
    {
        var settings = options.Value;
        // Above the long-poll timeout, so a quiet getUpdates is not cut short.
        _http = new HttpClient { BaseAddress = new Uri(settings.ApiBaseUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(Math.Clamp(settings.PollTimeoutSeconds, 0, 50) + 15) };
        // "./": a token contains a colon, which would otherwise make "bot<token>/…" parse as a URI scheme.
        _prefix = "./bot" + settings.Token + "/";
    }

    public void Dispose() => _http.Dispose();

    public Task<JsonNode?> CallAsync(string method, JsonObject parameters, CancellationToken ct) => CallAsync(method, parameters, timeout: null, ct);

    public async Task<JsonNode?> CallAsync(string method, JsonObject parameters, TimeSpan? timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(20));
        using var response = await _http.PostAsJsonAsync(_prefix + method, parameters, cts.Token);
        JsonNode? body;
        try
        {
            body = await response.Content.ReadFromJsonAsync<JsonNode>(cts.Token);
        }
        catch (System.Text.Json.JsonException)
        {
            body = null;
        }

        if (body?["ok"]?.GetValue<bool>() == true)
        {
            return body["result"];
        }

        var code = body?["error_code"]?.GetValue<int>() ?? (int)response.StatusCode;
        var description = body?["description"]?.GetValue<string>() ?? response.ReasonPhrase ?? "no description";
        TimeSpan? retryAfter = body?["parameters"]?["retry_after"]?.GetValue<int>() is { } seconds ? TimeSpan.FromSeconds(seconds)
            : response.Headers.RetryAfter?.Delta;
        throw new ChannelApiException("telegram", (int)response.StatusCode, code, description, retryAfter);
    }

    public static bool IsBlocked(ChannelApiException error) =>
        error.Code == (int)HttpStatusCode.Forbidden
        && (error.Description.Contains("blocked", StringComparison.OrdinalIgnoreCase) || error.Description.Contains("deactivated", StringComparison.OrdinalIgnoreCase) || error.Description.Contains("kicked", StringComparison.OrdinalIgnoreCase));
}
