using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Avrr.Channels.Fakes.Translation;

/// <summary>
/// One fake on 127.0.0.1 that speaks both translation APIs the bot supports (their published API references): Azure AI Translator v3
/// under <see cref="AzureEndpoint"/> and LibreTranslate under <see cref="LibreTranslateEndpoint"/>. It checks the key,
/// the languages and each API's request limits as the real services do, answers with their error bodies, can be told
/// to fail or stall, and records every request so tests can check what left the bot.
/// </summary>
/// <remarks>
/// Its "translation" is a phrase table taught by the test, else the text prefixed with "[to] ". Elements marked
/// <c>translate="no"</c> in HTML mode come back untouched, as both services promise.
/// </remarks>
public sealed partial class TranslatorFake : IAsyncDisposable
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
