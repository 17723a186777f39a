using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Avrr.Channels.Fakes.Translation;

/// <summary>
/// One fake on 127.0.0.1 that speaks both translation APIs the bot supports (protocols.md §5): Azure AI Translator v3
/// under <see cref="AzureEndpoint"/> and LibreTranslate under <see cref="LibreTranslateEndpoint"/>. It checks the key,
/// the languages and each API's request limits as the real services do, answers with their error bodies, can be told
/// to fail or stall, and records every request so tests can check what left the bot.
/// </summary>
/// <remarks>
/// Its "translation" is a phrase table taught by the test, else the text prefixed with "[to] ". Elements marked
/// <c>translate="no"</c> in HTML mode come back untouched, as both services promise.
/// </remarks>
public sealed class TranslatorFake : IAsyncDisposable
{
    /// <summary>Azure's documented request limits (service-limits.md).</summary>
    public const int AzureMaxElements = 1000;
    public const int AzureMaxCharacters = 50_000;

    private readonly Lock _gate = new();
    private readonly WebApplication _app;
    private readonly string _key;
    private readonly string? _region;
    private readonly HashSet<string> _languages = new(StringComparer.Ordinal) { "en", "fr", "de", "nl", "es", "pt", "ru", "tr", "ar", "fa", "ps", "ur", "bn", "so", "ti", "uk", "ka", "ro", "sq", "am", "ckb", "prs" };
    private readonly Dictionary<(string From, string To, string Text), string> _phrases = [];
    private readonly List<TranslatorRequest> _requests = [];
    private readonly Queue<Fault> _faults = new();

    private TranslatorFake(WebApplication app, string key, string? region, int libreCharLimit)
    {
        _app = app;
        _key = key;
        _region = region;
        LibreCharLimit = libreCharLimit;
    }

    /// <summary>"http://127.0.0.1:port/azure": the bot's <c>Translation:Azure:Endpoint</c>.</summary>
    public string AzureEndpoint { get; private set; } = "";

    /// <summary>"http://127.0.0.1:port/libre": the bot's <c>Translation:LibreTranslate:Endpoint</c>.</summary>
    public string LibreTranslateEndpoint { get; private set; } = "";

    /// <summary>LibreTranslate's <c>--char-limit</c> (-1: none), reported in <c>/frontend/settings</c> and enforced.</summary>
    public int LibreCharLimit { get; }

    public IReadOnlyList<TranslatorRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <param name="key">The Azure subscription key and the LibreTranslate API key.</param>
    /// <param name="region">When set, Azure requests must name it in <c>Ocp-Apim-Subscription-Region</c>.</param>
    public static async Task<TranslatorFake> StartAsync(string key, string? region = null, int libreCharLimit = -1)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new TranslatorFake(app, key, region, libreCharLimit);
        app.MapPost("/azure/translate", fake.AzureTranslateAsync);
        app.MapPost("/azure/detect", fake.AzureDetectAsync);
        app.MapGet("/azure/languages", fake.AzureLanguagesAsync);
        app.MapPost("/libre/translate", fake.LibreTranslateAsync);
        app.MapPost("/libre/detect", fake.LibreDetectAsync);
        app.MapGet("/libre/languages", fake.LibreLanguagesAsync);
        app.MapGet("/libre/frontend/settings", fake.LibreSettingsAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        fake.AzureEndpoint = address + "/azure";
        fake.LibreTranslateEndpoint = address + "/libre";
        return fake;
    }

    /// <summary>Translating exactly <paramref name="text"/> from one language to another gives <paramref name="translation"/>.</summary>
    public void Teach(string from, string to, string text, string translation)
    {
        lock (_gate)
        {
            _phrases[(from, to, text)] = translation;
        }
    }

    public void Unsupported(string language)
    {
        lock (_gate)
        {
            _languages.Remove(language);
        }
    }

    /// <summary>The next <paramref name="times"/> translate or detect requests answer this status (429, 500, 503…).</summary>
    /// <param name="retryAfter">Seconds for a <c>Retry-After</c> header; none when null.</param>
    public void FailNext(int status, int times = 1, int? retryAfter = null)
    {
        lock (_gate)
        {
            for (var i = 0; i < times; i++)
            {
                _faults.Enqueue(new Fault(status, retryAfter, null));
            }
        }
    }

    /// <summary>The next <paramref name="times"/> translate requests answer only after <paramref name="delay"/>.</summary>
    public void StallNext(TimeSpan delay, int times = 1)
    {
        lock (_gate)
        {
            for (var i = 0; i < times; i++)
            {
                _faults.Enqueue(new Fault(null, null, delay));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task AzureTranslateAsync(HttpContext context)
    {
        var (body, request) = await RecordAsync(context, "azure");
        if (await AzureRejectsAsync(context, request) || await FaultAsync(context, request, azure: true))
        {
            return;
        }

        var query = context.Request.Query;
        var targets = query["to"].Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToList();
        var from = query["from"].ToString();
        if (targets.Count == 0)
        {
            await AzureErrorAsync(context, request, 400036, "The target language is not valid.");
            return;
        }

        if (targets.FirstOrDefault(t => !Supports(t)) is { } badTarget)
        {
            await AzureErrorAsync(context, request, 400036, $"The target language is not valid: {badTarget}.");
            return;
        }

        if (from.Length > 0 && !Supports(from))
        {
            await AzureErrorAsync(context, request, 400035, "The source language is not valid.");
            return;
        }

        if (JsonNode.Parse(body) is not JsonArray elements || elements.Any(e => e?["Text"] is null))
        {
            await AzureErrorAsync(context, request, 400000, "One of the request inputs is not valid.");
            return;
        }

        if (elements.Count > AzureMaxElements)
        {
            await AzureErrorAsync(context, request, 400072, "The number of elements in the input array exceeds the maximum allowed.");
            return;
        }

        var texts = elements.Select(e => e!["Text"]!.GetValue<string>()).ToList();
        if (texts.Any(t => t.Length > AzureMaxCharacters))
        {
            await AzureErrorAsync(context, request, 400050, "The input text is too long.");
            return;
        }

        if (texts.Sum(t => t.Length) * targets.Count > AzureMaxCharacters)
        {
            await AzureErrorAsync(context, request, 400077, "The maximum request size has been exceeded.");
            return;
        }

        var answer = new JsonArray(texts.Select(text =>
        {
            var item = new JsonObject();
            var source = from.Length > 0 ? from : Detect(text);
            if (from.Length == 0)
            {
                item["detectedLanguage"] = new JsonObject { ["language"] = source, ["score"] = 1.0 };
            }

            item["translations"] = new JsonArray(targets.Select(to => (JsonNode)new JsonObject { ["text"] = Translate(source, to, text), ["to"] = to }).ToArray());
            return (JsonNode)item;
        }).ToArray());
        await RespondAsync(context, request, 200, answer.ToJsonString());
    }

    private async Task AzureDetectAsync(HttpContext context)
    {
        var (body, request) = await RecordAsync(context, "azure");
        if (await AzureRejectsAsync(context, request) || await FaultAsync(context, request, azure: true))
        {
            return;
        }

        var texts = (JsonNode.Parse(body) as JsonArray ?? []).Select(e => e?["Text"]?.GetValue<string>() ?? "").ToList();
        var answer = new JsonArray(texts.Select(t => (JsonNode)new JsonObject { ["language"] = Detect(t), ["score"] = 1.0, ["isTranslationSupported"] = true, ["isTransliterationSupported"] = false }).ToArray());
        await RespondAsync(context, request, 200, answer.ToJsonString());
    }

    private async Task AzureLanguagesAsync(HttpContext context)
    {
        // No key needed for this one, as on Azure.
        var (_, request) = await RecordAsync(context, "azure");
        var translation = new JsonObject();
        lock (_gate)
        {
            foreach (var language in _languages.Order(StringComparer.Ordinal))
            {
                translation[language] = new JsonObject { ["name"] = language, ["nativeName"] = language, ["dir"] = language is "ar" or "fa" or "ps" or "ur" or "ckb" or "prs" ? "rtl" : "ltr" };
            }
        }

        await RespondAsync(context, request, 200, new JsonObject { ["translation"] = translation }.ToJsonString());
    }

    private async Task LibreTranslateAsync(HttpContext context)
    {
        var (body, request) = await RecordAsync(context, "libre");
        var json = JsonNode.Parse(body) as JsonObject ?? [];
        if (json["api_key"]?.GetValue<string>() != _key)
        {
            await LibreErrorAsync(context, request, 403, "Invalid API key");
            return;
        }

        if (await FaultAsync(context, request, azure: false))
        {
            return;
        }

        var q = json["q"];
        var source = json["source"]?.GetValue<string>();
        var target = json["target"]?.GetValue<string>();
        if (q is null || source is null || target is null)
        {
            await LibreErrorAsync(context, request, 400, q is null ? "Invalid request: missing q parameter" : source is null ? "Invalid request: missing source parameter" : "Invalid request: missing target parameter");
            return;
        }

        foreach (var language in new[] { source, target }.Where(l => l != "auto"))
        {
            if (!Supports(language))
            {
                await LibreErrorAsync(context, request, 400, $"{language} is not supported");
                return;
            }
        }

        var batch = q is JsonArray array ? array.Select(e => e!.GetValue<string>()).ToList() : [q.GetValue<string>()];
        var characters = batch.Sum(t => t.Length);
        if (LibreCharLimit >= 0 && characters > LibreCharLimit)
        {
            await LibreErrorAsync(context, request, 400, $"Invalid request: request ({characters}) exceeds text limit ({LibreCharLimit})");
            return;
        }

        var translated = batch.Select(t => Translate(source == "auto" ? Detect(t) : source, target, t)).ToList();
        JsonNode text = q is JsonArray ? new JsonArray(translated.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()) : JsonValue.Create(translated[0]);
        await RespondAsync(context, request, 200, new JsonObject { ["translatedText"] = text }.ToJsonString());
    }

    private async Task LibreDetectAsync(HttpContext context)
    {
        var (body, request) = await RecordAsync(context, "libre");
        var json = JsonNode.Parse(body) as JsonObject ?? [];
        if (json["api_key"]?.GetValue<string>() != _key)
        {
            await LibreErrorAsync(context, request, 403, "Invalid API key");
            return;
        }

        var text = json["q"]?.GetValue<string>() ?? "";
        await RespondAsync(context, request, 200, new JsonArray(new JsonObject { ["confidence"] = 90, ["language"] = Detect(text) }).ToJsonString());
    }

    private async Task LibreLanguagesAsync(HttpContext context)
    {
        var (_, request) = await RecordAsync(context, "libre");
        List<string> languages;
        lock (_gate)
        {
            languages = [.. _languages.Order(StringComparer.Ordinal)];
        }

        var answer = new JsonArray(languages.Select(l => (JsonNode)new JsonObject
        {
            ["code"] = l,
            ["name"] = l,
            ["targets"] = new JsonArray(languages.Where(t => t != l).Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
        }).ToArray());
        await RespondAsync(context, request, 200, answer.ToJsonString());
    }

    private async Task LibreSettingsAsync(HttpContext context)
    {
        var (_, request) = await RecordAsync(context, "libre");
        await RespondAsync(context, request, 200, new JsonObject { ["charLimit"] = LibreCharLimit, ["keyRequired"] = true }.ToJsonString());
    }

    private async Task<bool> AzureRejectsAsync(HttpContext context, TranslatorRequest request)
    {
        if (context.Request.Query["api-version"] != "3.0")
        {
            await AzureErrorAsync(context, request, 400021, "The API version parameter is missing or invalid.");
            return true;
        }

        if (context.Request.Headers["Ocp-Apim-Subscription-Key"] != _key || (_region is not null && context.Request.Headers["Ocp-Apim-Subscription-Region"] != _region))
        {
            await AzureErrorAsync(context, request, 401000, "The request is not authorized because credentials are missing or invalid.");
            return true;
        }

        if (!context.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) ?? true)
        {
            await AzureErrorAsync(context, request, 415000, "The Content-Type header is missing or invalid.");
            return true;
        }

        return false;
    }

    private async Task<bool> FaultAsync(HttpContext context, TranslatorRequest request, bool azure)
    {
        Fault? fault;
        lock (_gate)
        {
            _faults.TryDequeue(out var next);
            fault = next;
        }

        if (fault is null)
        {
            return false;
        }

        if (fault.Stall is { } stall)
        {
            try
            {
                await Task.Delay(stall, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                Complete(request, 499);
                return true;
            }

            return false;
        }

        var status = fault.Status!.Value;
        if (fault.RetryAfter is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        if (azure)
        {
            await AzureErrorAsync(context, request, status * 1000 + (status == 429 ? 1 : 0), status == 429 ? "The server rejected the request because the client has exceeded request limits." : "The service is temporarily unavailable.", status);
        }
        else
        {
            await LibreErrorAsync(context, request, status, status == 429 ? "Slowdown: 1 per 1 second" : "Internal server error");
        }

        return true;
    }

    private string Translate(string from, string to, string text)
    {
        lock (_gate)
        {
            if (_phrases.TryGetValue((from, to, text), out var taught))
            {
                return taught;
            }
        }

        // Elements marked translate="no" keep their place and content: a prefix leaves them as they are.
        return $"[{to}] {text}";
    }

    private static string Detect(string text) =>
        text.Any(c => c is >= '\u0600' and <= '\u06FF') ? "fa" : text.Any(c => c is >= '\u0400' and <= '\u04FF') ? "ru" : "en";

    private bool Supports(string language)
    {
        lock (_gate)
        {
            return _languages.Contains(language);
        }
    }

    private async Task<(string Body, TranslatorRequest Request)> RecordAsync(HttpContext context, string api)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var request = new TranslatorRequest(api, context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "", body, DateTimeOffset.UtcNow);
        lock (_gate)
        {
            _requests.Add(request);
        }

        return (body, request);
    }

    private Task AzureErrorAsync(HttpContext context, TranslatorRequest request, int code, string message, int? status = null) =>
        RespondAsync(context, request, status ?? code / 1000, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }.ToJsonString());

    private Task LibreErrorAsync(HttpContext context, TranslatorRequest request, int status, string message) =>
        RespondAsync(context, request, status, JsonSerializer.Serialize(new { error = message }));

    private async Task RespondAsync(HttpContext context, TranslatorRequest request, int status, string json)
    {
        Complete(request, status);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers["X-RequestId"] = Guid.NewGuid().ToString();
        await context.Response.WriteAsync(json);
    }

    private void Complete(TranslatorRequest request, int status)
    {
        lock (_gate)
        {
            request.Status = status;
        }
    }

    private sealed record Fault(int? Status, int? RetryAfter, TimeSpan? Stall);
}

/// <summary>One request as the fake received it; <see cref="Status"/> is what it answered (499: the client gave up).</summary>
public sealed record TranslatorRequest(string Api, string Method, string Path, string Query, string Body, DateTimeOffset At)
{
    public int Status { get; set; }
}
