using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Avrr.Bot.Common;

/// <summary>
/// The transport level of the HttpClients that deliver to a platform (Telegram, WhatsApp, the case webhook): a
/// timeout per call and a circuit breaker, and no retries. Whoever owns the message owns its retries (the outbox, the
/// case webhook relay), so a retry here would send it twice.
/// </summary>
public static class OutboundHttp
{
    /// <summary>How long a call may take when the client does not say otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// A named client with the transport pipeline. <paramref name="timeout"/> chooses a call's timeout from its request
    /// (a long poll needs longer than a send). <paramref name="urlCarriesSecret"/> removes the factory's request
    /// logging, which writes URLs: Telegram's carry the bot token.
    /// </summary>
    public static IHttpClientBuilder AddOutboundClient(this IServiceCollection services, string name, Func<HttpRequestMessage?, IServiceProvider, TimeSpan>? timeout = null, bool urlCarriesSecret = false)
    {
        // The channels hold their client for the life of the process, so the factory's handler rotation would never
        // reach them: connections are recycled by the handler instead, and DNS changes are still picked up.
        var client = services.AddHttpClient(name, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        if (urlCarriesSecret)
        {
            client.RemoveAllLoggers();
        }

        client.AddResilienceHandler("transport", (pipeline, context) =>
        {
            pipeline.AddTimeout(new TimeoutStrategyOptions
            {
                TimeoutGenerator = args => ValueTask.FromResult(timeout?.Invoke(args.Context.GetRequestMessage(), context.ServiceProvider) ?? DefaultTimeout),
            });
            pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                // Judged over a minute and at least ten calls; open for fifteen seconds, then one call tries again.
                SamplingDuration = TimeSpan.FromSeconds(60),
                MinimumThroughput = 10,
                FailureRatio = 0.5,
                BreakDuration = TimeSpan.FromSeconds(15),
                ShouldHandle = args => ValueTask.FromResult(IsPlatformDown(args.Outcome)),
            });
        });
        return client;
    }

    /// <summary>
    /// A failure that says the platform is unreachable or failing: network errors, timeouts and 5xx. Not 429, which
    /// says it is up and pacing us (the outbox waits as told), and not other 4xx, which are about one message.
    /// </summary>
    internal static bool IsPlatformDown(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result.StatusCode: >= HttpStatusCode.InternalServerError } => true,
        _ => false,
    };

    /// <summary>
    /// True for what the transport throws when a platform cannot be reached: the network, a timeout, an open breaker.
    /// A delivery that meets one is retried later by its owner.
    /// </summary>
    public static bool IsTransportFailure(Exception ex) =>
        ex is HttpRequestException or TaskCanceledException or TimeoutRejectedException or BrokenCircuitException;
}
