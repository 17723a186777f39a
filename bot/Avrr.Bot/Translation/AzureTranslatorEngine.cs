using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Translation;

/// <summary>
/// Azure AI Translator v3 (the Azure AI Translator v3 reference): <c>POST /translate?api-version=3.0</c> in HTML mode, one target per
/// call, batches of at most 1,000 elements and 50,000 characters; <c>GET /languages</c> for what it supports.
/// </summary>
internal sealed class AzureTranslatorEngine(IHttpClientFactory clients, IOptionsMonitor<TranslationOptions> options) : ITranslationEngine
{
    public const string ClientName = "translation-azure";
    public const int MaxElements = 1000;
    public const int MaxCharacters = 50_000;

    /// <summary>The API's own property names ("Text"), not the web defaults' camel case.</summary>
    private static readonly System.Text.Json.JsonSerializerOptions Exact = new();

    public string Name => "Azure AI Translator";

    public async Task<IReadOnlyList<string>> TranslateAsync(IReadOnlyList<string> htmlTexts, string? from, string to, CancellationToken ct)
    {
        var results = new List<string>(htmlTexts.Count);
        foreach (var batch in Batches(htmlTexts))
        {
            var settings = options.CurrentValue.Azure;
            using var request = new HttpRequestMessage(HttpMethod.Post, Url(settings, $"/translate?api-version=3.0{(from is null ? "" : "&from=" + Uri.EscapeDataString(from))}&to={Uri.EscapeDataString(to)}&textType=html"))
            {
                Content = JsonContent.Create(batch.Select(t => new { Text = t }), options: Exact),
            };
            Authorize(request, settings);
            var answer = await SendAsync(request, ct);
            if (answer is not JsonArray items || items.Count != batch.Count)
            {
                throw new TranslationFailedException($"{Name} answered with {(answer as JsonArray)?.Count ?? 0} translations for {batch.Count} texts.");
            }

            results.AddRange(items.Select(i => i?["translations"]?[0]?["text"]?.GetValue<string>() ?? throw new TranslationFailedException($"{Name} answered without a translation.")));
        }

        return results;
    }

    public async Task<IReadOnlySet<string>> LanguagesAsync(CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url(options.CurrentValue.Azure, "/languages?api-version=3.0&scope=translation"));
        var answer = await SendAsync(request, ct);
        return (answer?["translation"] as JsonObject)?.Select(l => l.Key).ToHashSet(StringComparer.Ordinal) ?? [];
    }

    /// <summary>Consecutive slices within the element and character limits (a text over the character limit alone is refused).</summary>
    internal static IEnumerable<List<string>> Batches(IReadOnlyList<string> texts)
    {
        var batch = new List<string>();
        var characters = 0;
        foreach (var text in texts)
        {
            if (text.Length > MaxCharacters)
            {
                throw new TranslationFailedException($"A text of {text.Length} characters is over the {MaxCharacters} a request may carry.");
            }

            if (batch.Count == MaxElements || characters + text.Length > MaxCharacters)
            {
                yield return batch;
                batch = [];
                characters = 0;
            }

            batch.Add(text);
            characters += text.Length;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    private async Task<JsonNode?> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        request.Headers.Add("X-ClientTraceId", Guid.NewGuid().ToString());
        var body = await TranslationHttp.SendAsync(clients.CreateClient(ClientName), request, Name, ct);
        if (body.Status is >= 200 and < 300)
        {
            return body.Json;
        }

        // {"error":{"code":400036,"message":"…"}}: the six-digit code is the status and three digits.
        var code = body.Json?["error"]?["code"]?.GetValue<int>() ?? body.Status * 1000;
        var message = body.Json?["error"]?["message"]?.GetValue<string>() ?? "no message";
        throw new TranslationFailedException($"{Name} refused: {code.ToString(CultureInfo.InvariantCulture)} {message}", unsupported: code is 400019 or 400035 or 400036);
    }

    private static void Authorize(HttpRequestMessage request, AzureTranslatorOptions settings)
    {
        request.Headers.Add("Ocp-Apim-Subscription-Key", settings.Key);
        if (!string.IsNullOrWhiteSpace(settings.Region))
        {
            request.Headers.Add("Ocp-Apim-Subscription-Region", settings.Region);
        }
    }

    private static Uri Url(AzureTranslatorOptions settings, string pathAndQuery) => new(settings.Endpoint.TrimEnd('/') + pathAndQuery);
}
