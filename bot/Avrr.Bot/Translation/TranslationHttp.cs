using System.Text.Json;
using System.Text.Json.Nodes;
using Polly;

namespace Avrr.Bot.Translation;

/// <summary>One call through the resilient HttpClient, with every way it can fail turned into <see cref="TranslationFailedException"/>.</summary>
internal static class TranslationHttp
{
    public readonly record struct Answer(int Status, JsonNode? Json);

    public static async Task<Answer> SendAsync(HttpClient http, HttpRequestMessage request, string service, CancellationToken ct)
    {
        try
        {
            using var response = await http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            JsonNode? json;
            try
            {
                json = text.Length == 0 ? null : JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                json = null;
            }

            return new Answer((int)response.StatusCode, json);
        }
        catch (Exception ex) when (ex is HttpRequestException or ExecutionRejectedException || ex is OperationCanceledException && !ct.IsCancellationRequested)
        {
            // Timeouts, an open circuit, refused connections: the caller degrades, nothing throws past it.
            throw new TranslationFailedException($"{service} could not be reached: {ex.GetType().Name}", inner: ex);
        }
    }
}
