using System.Collections.Concurrent;
using Avrr.Bot.Common;

namespace Avrr.Bot.Translation;

/// <summary>What is being translated: it decides whether the text is cleaned of personal details and may be cached.</summary>
public enum TextKind
{
    /// <summary>What a person wrote: personal details removed before it leaves, never cached.</summary>
    PersonMessage,

    /// <summary>What a counsellor wrote to a person: it can name them too, so the same as a person's message.</summary>
    CounsellorMessage,

    /// <summary>Curated content, canned responses, the bot's prompts: public, cached in the translation memory.</summary>
    Content,
}

public enum TranslationStatus { Translated, SameLanguage, NotTranslated }

/// <param name="Text">The translation; the original when not translated.</param>
/// <param name="Note">Why not, in words for staff ("LibreTranslate could not be reached").</param>
public sealed record TranslationResult(string Text, TranslationStatus Status, string? Note = null)
{
    public bool Translated => Status == TranslationStatus.Translated;
}

/// <summary>How the configured service has been doing, for the status page. Never holds any text.</summary>
public sealed record TranslationHealth(string Provider, DateTimeOffset? LastSuccessAt, DateTimeOffset? LastFailureAt, string? LastError, int FailuresInARow)
{
    public bool Degraded => FailuresInARow > 0;
}

/// <summary>
/// The bot's one way to machine-translate: it checks that both languages are supported (the list is read from the
/// service and kept a day), removes personal details from personal text and puts them back, keeps a memory of
/// content translations only, and never throws: when anything fails the caller gets the original, marked not
/// translated, and the conversation goes on.
/// </summary>
public sealed partial class Translator
{
    private const int MemoryLimit = 5000;
    private static readonly TimeSpan LanguagesFor = TimeSpan.FromHours(24);

    private readonly ITranslationEngine? _engine;
    private readonly TimeProvider _time;
    private readonly ILogger<Translator> _logger;
    private readonly Telemetry? _telemetry;
    private readonly ConcurrentDictionary<(string From, string To, string Text), string> _memory = new();
    private readonly Lock _gate = new();
    private (IReadOnlySet<string> Codes, DateTimeOffset At)? _languages;
    private TranslationHealth _health;

    internal Translator(ITranslationEngine? engine, TimeProvider time, ILogger<Translator> logger, Telemetry? telemetry = null)
    {
        _telemetry = telemetry;
        _engine = engine;
        _time = time;
        _logger = logger;
        _health = new TranslationHealth(_engine?.Name ?? "none", null, null, null, 0);
    }

    public bool Enabled => _engine is not null;

    /// <summary>The service's name, or "none".</summary>
    public string Provider => _engine?.Name ?? "none";

    public TranslationHealth Health
    {
        get
        {
            lock (_gate)
            {
                return _health;
            }
        }
    }

    /// <param name="from">The text's language, or null to have the service detect it.</param>
    public async Task<TranslationResult> TranslateAsync(string text, string? from, string to, TextKind kind, CancellationToken ct)
    {
        if (from is not null && string.Equals(Base(from), Base(to), StringComparison.Ordinal) || string.IsNullOrWhiteSpace(text))
        {
            return new TranslationResult(text, TranslationStatus.SameLanguage);
        }

        if (_engine is null)
        {
            return new TranslationResult(text, TranslationStatus.NotTranslated, "no translation service is configured");
        }

        if (kind == TextKind.Content && from is not null && _memory.TryGetValue((from, to, text), out var remembered))
        {
            return new TranslationResult(remembered, TranslationStatus.Translated);
        }

        try
        {
            var supported = await LanguagesAsync(ct);
            if (supported is not null && (from is not null && !supported.Contains(from) || !supported.Contains(to)))
            {
                return new TranslationResult(text, TranslationStatus.NotTranslated, $"{_engine.Name} does not translate {(supported.Contains(to) ? from : to)}");
            }

            PersonalDetails.Protected prepared;
            try
            {
                prepared = kind == TextKind.Content ? new PersonalDetails.Protected(System.Net.WebUtility.HtmlEncode(text), []) : PersonalDetails.Protect(text);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // If the details cannot be taken out, the text does not leave.
                Log.RedactionFailed(_logger, ex);
                return new TranslationResult(text, TranslationStatus.NotTranslated, "not sent: personal details could not be removed");
            }

            var translated = (await _engine.TranslateAsync([prepared.Html], from, to, ct))[0];
            var restored = PersonalDetails.Restore(prepared, translated);
            Succeeded();
            _telemetry?.Translation(_engine.Name, succeeded: true);
            if (restored is null)
            {
                return new TranslationResult(text, TranslationStatus.NotTranslated, "the translation lost a protected detail");
            }

            if (kind == TextKind.Content && from is not null)
            {
                if (_memory.Count >= MemoryLimit)
                {
                    _memory.Clear();
                }

                _memory[(from, to, text)] = restored;
            }

            return new TranslationResult(restored, TranslationStatus.Translated);
        }
        catch (TranslationFailedException ex)
        {
            if (!ex.Unsupported)
            {
                Failed(ex.Message);
                _telemetry?.Translation(_engine.Name, succeeded: false);
            }

            Log.Failed(_logger, _engine.Name, ex.Message);
            return new TranslationResult(text, TranslationStatus.NotTranslated, ex.Unsupported ? $"{_engine.Name} does not translate this language pair" : $"{_engine.Name} is unavailable");
        }
    }

    /// <summary>null when the list could not be read: then the service decides, language by language.</summary>
    private async Task<IReadOnlySet<string>?> LanguagesAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (_languages is { } cached && now - cached.At < LanguagesFor)
        {
            return cached.Codes;
        }

        try
        {
            var codes = await _engine!.LanguagesAsync(ct);
            _languages = (codes, now);
            return codes;
        }
        catch (TranslationFailedException ex)
        {
            Log.Failed(_logger, _engine!.Name, ex.Message);
            return null;
        }
    }

    /// <summary>Region and script subtags do not change the language a service translates ("pt-BR" is "pt").</summary>
    private static string Base(string language) => language.Split('-')[0];

    private void Succeeded()
    {
        lock (_gate)
        {
            _health = _health with { LastSuccessAt = _time.GetUtcNow(), FailuresInARow = 0 };
        }
    }

    private void Failed(string error)
    {
        lock (_gate)
        {
            _health = _health with { LastFailureAt = _time.GetUtcNow(), LastError = error, FailuresInARow = _health.FailuresInARow + 1 };
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Translation by {Provider} failed: {Error}")]
        public static partial void Failed(ILogger logger, string provider, string error);

        [LoggerMessage(EventId = 7002, Level = LogLevel.Error, Message = "Personal details could not be removed; the text was not sent for translation")]
        public static partial void RedactionFailed(ILogger logger, Exception exception);
    }
}
