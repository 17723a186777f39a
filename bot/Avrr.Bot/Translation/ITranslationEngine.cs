namespace Avrr.Bot.Translation;

/// <summary>
/// One machine translation API. Texts are HTML fragments: what must not be translated (the placeholders of redacted
/// details) is marked <c>translate="no"</c>, which both supported services keep as it is. Implementations split
/// batches to their API's limits; retries, timeouts and the circuit breaker are in the HttpClient's pipeline.
/// </summary>
internal interface ITranslationEngine
{
    string Name { get; }

    /// <param name="from">The texts' language, or null to let the service detect it (people do not always write in the language they chose).</param>
    /// <returns>The translations, in the order of <paramref name="htmlTexts"/>.</returns>
    /// <exception cref="TranslationFailedException">The service refused, failed or could not be reached.</exception>
    Task<IReadOnlyList<string>> TranslateAsync(IReadOnlyList<string> htmlTexts, string? from, string to, CancellationToken ct);

    /// <summary>The language codes the service translates, as it reports them.</summary>
    Task<IReadOnlySet<string>> LanguagesAsync(CancellationToken ct);
}

/// <summary>The service refused (<see cref="Unsupported"/> for a language it does not have) or failed.</summary>
internal sealed class TranslationFailedException(string message, bool unsupported = false, Exception? inner = null) : Exception(message, inner)
{
    public bool Unsupported { get; } = unsupported;
}
