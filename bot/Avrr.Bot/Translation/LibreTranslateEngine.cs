using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Translation;

/// <summary>
/// A self-hosted LibreTranslate (the LibreTranslate API documentation): <c>POST /translate</c> with <c>q</c> as an array and
/// <c>format=html</c>; batches within the server's character limit (<c>/frontend/settings</c>, read once) and of at most
/// <see cref="MaxBatch"/> texts; <c>GET /languages</c> for what it supports.
/// </summary>
internal sealed class LibreTranslateEngine(IHttpClientFactory clients, IOptionsMonitor<TranslationOptions> options) : ITranslationEngine
{
    public const string ClientName = "translation-libretranslate";

    /// <summary>Servers may set a batch limit (none by default); this stays under any sensible one.</summary>
    public const int MaxBatch = 25;

    private int? _charLimit;

    public string Name => "LibreTranslate";

    public async Task<IReadOnlyList<string>> TranslateAsync(IReadOnlyList<string> htmlTexts, string? from, string to, CancellationToken ct)
    {
        var limit = await CharLimitAsync(ct);
        var results = new List<string>(htmlTexts.Count);
        foreach (var batch in Batches(htmlTexts, limit))
        {
            var settings = options.CurrentValue.LibreTranslate;
            using var request = new HttpRequestMessage(HttpMethod.Post, Url(settings, "/translate"))
            {
                Content = JsonContent.Create(new { q = batch, source = from ?? "auto", target = to, format = "html", api_key = settings.ApiKey ?? "" }),
            };
            var answer = await SendAsync(request, ct);
            if (answer?["translatedText"] is not JsonArray texts || texts.Count != batch.Count)
            {
                throw new TranslationFailedException($"{Name} answered without one translation per text.");
            }

            results.AddRange(texts.Select(t => t?.GetValue<string>() ?? ""));
        }

        return results;
    }

    public async Task<IReadOnlySet<string>> LanguagesAsync(CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url(options.CurrentValue.LibreTranslate, "/languages"));
        var answer = await SendAsync(request, ct);
        return (answer as JsonArray)?.Select(l => l?["code"]?.GetValue<string>()).OfType<string>().ToHashSet(StringComparer.Ordinal) ?? [];
    }

    /// <summary>Consecutive slices of at most <see cref="MaxBatch"/> texts and <paramref name="charLimit"/> characters (-1: none).</summary>
    internal static IEnumerable<List<string>> Batches(IReadOnlyList<string> texts, int charLimit)
    {
        var batch = new List<string>();
        var characters = 0;
        foreach (var text in texts)
        {
            if (charLimit >= 0 && text.Length > charLimit)
            {
                throw new TranslationFailedException($"A text of {text.Length} characters is over the server's limit of {charLimit}.");
            }

            if (batch.Count == MaxBatch || (charLimit >= 0 && characters + text.Length > charLimit))
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

    private async Task<int> CharLimitAsync(CancellationToken ct)
    {
        if (_charLimit is { } known)
        {
            return known;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, Url(options.CurrentValue.LibreTranslate, "/frontend/settings"));
        var settings = await SendAsync(request, ct);
        var limit = settings?["charLimit"]?.GetValue<int>() ?? -1;
        _charLimit = limit;
        return limit;
    }

    private async Task<JsonNode?> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var body = await TranslationHttp.SendAsync(clients.CreateClient(ClientName), request, Name, ct);
        if (body.Status is >= 200 and < 300)
        {
            return body.Json;
        }

        // {"error":"fa is not supported"}, {"error":"Invalid API key"}, {"error":"Slowdown: …"}
        var message = body.Json?["error"]?.GetValue<string>() ?? "no message";
        throw new TranslationFailedException($"{Name} refused: {body.Status} {message}", unsupported: body.Status == 400 && message.EndsWith("is not supported", StringComparison.Ordinal));
    }

    private static Uri Url(LibreTranslateOptions settings, string path) => new((settings.Endpoint ?? "").TrimEnd('/') + path);
}
