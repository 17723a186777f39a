using Avrr.Bot.Common;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Avrr.Bot.Translation;

internal static class TranslationSetup
{
    /// <summary>
    /// The translator and, when a provider is configured, its HttpClient with the standard resilience pipeline: a
    /// timeout per attempt, retries with jittered exponential back-off on 408, 429 and 5xx that honour Retry-After, a
    /// circuit breaker that stops calling a service that keeps failing, and a timeout for the whole call.
    /// </summary>
    public static WebApplicationBuilder AddTranslation(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TranslationOptions>().Bind(builder.Configuration.GetSection(TranslationOptions.Section))
            .Validate(o => o.Provider != TranslationProvider.Azure || !string.IsNullOrWhiteSpace(o.Azure.Key), "Translation:Azure:Key is required when Translation:Provider is Azure.")
            .Validate(o => o.Provider != TranslationProvider.Azure || Uri.TryCreate(o.Azure.Endpoint, UriKind.Absolute, out _), "Translation:Azure:Endpoint must be an absolute URL.")
            .Validate(o => o.Provider != TranslationProvider.LibreTranslate || Uri.TryCreate(o.LibreTranslate.Endpoint, UriKind.Absolute, out _), "Translation:LibreTranslate:Endpoint must be an absolute URL when Translation:Provider is LibreTranslate.")
            .Validate(o => o.Timeout > TimeSpan.Zero, "Translation:Timeout must be positive.")
            .ValidateOnStart();

        var timeout = builder.Configuration.GetSection(TranslationOptions.Section).Get<TranslationOptions>()?.Timeout ?? new TranslationOptions().Timeout;
        foreach (var name in new[] { AzureTranslatorEngine.ClientName, LibreTranslateEngine.ClientName })
        {
            builder.Services.AddHttpClient(name, client => client.Timeout = Timeout.InfiniteTimeSpan)
                .AddStandardResilienceHandler(options => Configure(options, timeout));
        }

        builder.Services.AddSingleton<AzureTranslatorEngine>();
        builder.Services.AddSingleton<LibreTranslateEngine>();
        builder.Services.AddSingleton(services =>
        {
            ITranslationEngine? engine = services.GetRequiredService<IOptions<TranslationOptions>>().Value.Provider switch
            {
                TranslationProvider.Azure => services.GetRequiredService<AzureTranslatorEngine>(),
                TranslationProvider.LibreTranslate => services.GetRequiredService<LibreTranslateEngine>(),
                _ => null,
            };
            return new Translator(engine, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<Translator>>(), services.GetService<Telemetry>());
        });
        builder.Services.AddSingleton<MessageTranslator>();
        builder.Services.AddHostedService(services => services.GetRequiredService<MessageTranslator>());
        return builder;
    }

    internal static void Configure(HttpStandardResilienceOptions options, TimeSpan attempt)
    {
        options.AttemptTimeout.Timeout = attempt;
        options.TotalRequestTimeout.Timeout = attempt * 3 + TimeSpan.FromSeconds(10);
        options.Retry.MaxRetryAttempts = 3;
        options.Retry.BackoffType = DelayBackoffType.Exponential;
        options.Retry.UseJitter = true;
        options.Retry.Delay = TimeSpan.FromMilliseconds(500);
        // Translator's 429 names no Retry-After in practice; when a service sends one, it decides the wait.
        options.Retry.ShouldRetryAfterHeader = true;
        options.Retry.MaxDelay = TimeSpan.FromSeconds(20);
        // Few calls a minute here: judge the service on a handful, not the default hundred.
        options.CircuitBreaker.MinimumThroughput = 5;
        options.CircuitBreaker.FailureRatio = 0.5;
        options.CircuitBreaker.SamplingDuration = attempt * 2 + TimeSpan.FromSeconds(30);
        options.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(30);
    }
}
