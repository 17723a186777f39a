namespace Avrr.Bot.Translation;

public enum TranslationProvider { None, Azure, LibreTranslate }

/// <summary>
/// Configuration section <c>Translation</c>: which machine translation engine, if any, translates free text between
/// a person and a counsellor. <c>None</c> by default: nothing leaves the server.
/// </summary>
public sealed class TranslationOptions
{
    public const string Section = "Translation";

    public TranslationProvider Provider { get; set; } = TranslationProvider.None;

    public AzureTranslatorOptions Azure { get; set; } = new();

    public LibreTranslateOptions LibreTranslate { get; set; } = new();

    /// <summary>How long one request may take before it is retried (the whole call, retries included, gets three times this).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

public sealed class AzureTranslatorOptions
{
    /// <summary>The global endpoint, or a resource's custom one (<c>https://name.cognitiveservices.azure.com/translator/text/v3.0</c>).</summary>
    public string Endpoint { get; set; } = "https://api.cognitive.microsofttranslator.com";

    /// <summary>The resource key (<c>Ocp-Apim-Subscription-Key</c>); a secret.</summary>
    public string? Key { get; set; }

    /// <summary>The resource's region (<c>Ocp-Apim-Subscription-Region</c>), required for regional and multi-service resources.</summary>
    public string? Region { get; set; }
}

public sealed class LibreTranslateOptions
{
    /// <summary>The self-hosted server, e.g. <c>http://127.0.0.1:5000</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Only when the server runs with <c>--api-keys</c>; a secret.</summary>
    public string? ApiKey { get; set; }
}
