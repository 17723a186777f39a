using System.Net;
using Avrr.Bot.Common;
using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Avrr.Bot.Tests.Channels;

/// <summary>
/// The transport pipeline of every client that delivers to a platform: a timeout and a circuit breaker, and never a
/// retry, because the outbox (or the case webhook relay) owns retries and a second try here would send twice.
/// </summary>
public sealed class OutboundTransportTests
{
    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.BadRequest)]
    public async Task A_failed_call_is_made_once_and_its_answer_returned_as_it_is(HttpStatusCode answer)
    {
        var platform = new Platform(_ => Task.FromResult(new HttpResponseMessage(answer)));
        using var response = await Client(platform).GetAsync(new Uri("http://127.0.0.1/x"));

        Assert.Equal(answer, response.StatusCode);
        Assert.Equal(1, platform.Calls);
    }

    [Fact]
    public async Task After_ten_server_errors_in_a_minute_the_breaker_opens_and_no_call_reaches_the_platform()
    {
        var platform = new Platform(_ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.InternalServerError)));
        var client = Client(platform);
        for (var i = 0; i < 10; i++)
        {
            (await client.GetAsync(new Uri("http://127.0.0.1/x"))).Dispose();
        }

        var refused = await Assert.ThrowsAsync<BrokenCircuitException>(() => client.GetAsync(new Uri("http://127.0.0.1/x")));
        Assert.Equal(10, platform.Calls);
        Assert.True(OutboundHttp.IsTransportFailure(refused));
    }

    [Fact]
    public async Task Rate_limits_do_not_open_the_breaker()
    {
        var platform = new Platform(_ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.TooManyRequests)));
        var client = Client(platform);
        for (var i = 0; i < 25; i++)
        {
            (await client.GetAsync(new Uri("http://127.0.0.1/x"))).Dispose();
        }

        Assert.Equal(25, platform.Calls);
    }

    [Fact]
    public async Task A_call_that_outlasts_its_timeout_is_abandoned_as_a_transport_failure()
    {
        var platform = new Platform(async ct =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        var client = Client(platform, TimeSpan.FromMilliseconds(50));

        var abandoned = await Assert.ThrowsAsync<TimeoutRejectedException>(() => client.GetAsync(new Uri("http://127.0.0.1/slow")));
        Assert.True(OutboundHttp.IsTransportFailure(abandoned));
        Assert.Equal(1, platform.Calls);
    }

    private static HttpClient Client(Platform platform, TimeSpan? timeout = null)
    {
        var services = new ServiceCollection();
        services.AddOutboundClient("platform", timeout is { } t ? (_, _) => t : null).ConfigurePrimaryHttpMessageHandler(() => platform);
        return services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>().CreateClient("platform");
    }

    /// <summary>The platform's side of the wire, counting the calls that reach it.</summary>
    private sealed class Platform(Func<CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        private int _calls;

        public int Calls => _calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return answer(cancellationToken);
        }
    }
}
