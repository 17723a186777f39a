using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Channels.WhatsApp;

/// <summary>The Cloud API calls the bot makes (the WhatsApp Cloud API reference): messages and read marks, errors keyed on their code.</summary>
public sealed class WhatsAppClient
{
    /// <summary>The named client, on the outbound transport pipeline (a timeout and a circuit breaker, no retries).</summary>
    public const string ClientName = "whatsapp";

    private readonly HttpClient _http;
    private readonly string _messages;

    public WhatsAppClient(IOptions<WhatsAppOptions> options, IHttpClientFactory clients)
    {
        var settings = options.Value;
        _http = clients.CreateClient(ClientName);
        _http.BaseAddress = new Uri(settings.GraphApiBaseUrl.TrimEnd('/') + "/");
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.AccessToken);
        _messages = settings.PhoneNumberId + "/messages";
    }

    public async Task<JsonNode?> PostAsync(JsonObject body, CancellationToken ct)
    {
        using var response = await _http.PostAsJsonAsync(_messages, body, ct);
        JsonNode? result;
        try
        {
            result = await response.Content.ReadFromJsonAsync<JsonNode>(ct);
        }
        catch (System.Text.Json.JsonException)
        {
            result = null;
        }

        if (response.IsSuccessStatusCode && result?["error"] is null)
        {
            return result;
        }

        var error = result?["error"];
        var code = error?["code"]?.GetValue<int>() ?? (int)response.StatusCode;
        var message = error?["message"]?.GetValue<string>() ?? response.ReasonPhrase ?? "no message";
        var details = error?["error_data"]?["details"]?.GetValue<string>();
        throw new ChannelApiException("whatsapp", (int)response.StatusCode, code, details is null ? message : $"{message} ({details})", response.Headers.RetryAfter?.Delta);
    }
}
