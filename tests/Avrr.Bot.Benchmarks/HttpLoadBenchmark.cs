using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Avrr.Bot.Channels;
using Avrr.Bot.Hosting;
using Avrr.Channels.Fakes.WhatsApp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Avrr.Bot.Benchmarks;

/// <summary>
/// The real host over loopback, as Meta would drive it in a surge: signed WhatsApp webhooks from many contacts at a
/// fixed concurrency, every reply sent to a fake Graph API that counts them. The host's proactive pacing is raised so
/// the pipeline, not the pacing, is what is measured.
/// </summary>
internal static class HttpLoadBenchmark
{
    private const string AccessToken = "bench-access-token";
    private const string PhoneNumberId = "100000000000001";
    private const string AppSecret = "bench-app-secret";

    public static async Task<HttpLoadResult> RunAsync(BenchmarkOptions options, string directory)
    {
        await using var graph = await WhatsAppFake.StartAsync(AccessToken, PhoneNumberId);
        var port = FreePort();
        await using var app = BuildHost(directory, port, graph.GraphBaseUrl, options);
        await app.MigrateStorageAsync();
        await app.StartAsync();

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        // Warm-up: a few contacts through their first turns, not measured.
        await SendAsync(http, Enumerable.Range(0, 20).Select(i => Message(i, 0)).ToList(), 4, []);
        await WaitForRepliesAsync(graph, 20, TimeSpan.FromSeconds(30));
        if (graph.Sent.Count < 20)
        {
            throw new InvalidOperationException($"The host answered {graph.Sent.Count} of 20 warm-up messages; the fake Graph API saw {graph.Requests.Count} requests. Run with AVRR_BENCH_LOG=1 to see the host's log.");
        }

        var messages = Enumerable.Range(0, options.HttpMessages).Select(m => Message(1000 + (m % options.HttpContacts), m / options.HttpContacts)).ToList();
        var expectedReplies = graph.Sent.Count + messages.Count;
        var latencies = new List<double>(messages.Count);
        var start = Stopwatch.GetTimestamp();
        var failures = await SendAsync(http, messages, options.HttpConcurrency, latencies);
        var ackElapsed = Stopwatch.GetElapsedTime(start);

        // Every message answered: each inbound text gets at least one reply. Bounded wait; stops by itself.
        await WaitForRepliesAsync(graph, expectedReplies, TimeSpan.FromSeconds(120));
        var endToEnd = Stopwatch.GetElapsedTime(start);
        var answered = Math.Min(messages.Count, graph.Sent.Count - (expectedReplies - messages.Count));
        await app.StopAsync();

        latencies.Sort();
        return new HttpLoadResult(
            messages.Count,
            failures,
            messages.Count / ackElapsed.TotalSeconds,
            Percentile(latencies, 0.5),
            Percentile(latencies, 0.99),
            answered / endToEnd.TotalSeconds,
            answered);

        (string Wa, string Body) Message(int contact, int sequence)
        {
            var wa = "491500" + contact.ToString("D7", CultureInfo.InvariantCulture);
            // As on the real platform, writing opens the 24-hour window in which free-form replies are allowed.
            graph.UserMessaged(wa, DateTimeOffset.UtcNow);
            var text = sequence == 0 ? "hello" : sequence % 3 == 1 ? "English" : "menu";
            var body = WhatsAppWebhook.TextMessage(PhoneNumberId, wa, $"wamid.{contact}.{sequence}.{Guid.NewGuid():N}", text, DateTimeOffset.UtcNow);
            return (wa, body);
        }
    }

    private static WebApplication BuildHost(string directory, int port, string graphBaseUrl, BenchmarkOptions options)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args =
            [
                .. TurnBenchmark.StoreArguments(options, Path.Combine(directory, "http.db")),
                $"--Channels:WhatsApp:AccessToken={AccessToken}",
                $"--Channels:WhatsApp:PhoneNumberId={PhoneNumberId}",
                $"--Channels:WhatsApp:AppSecret={AppSecret}",
                "--Channels:WhatsApp:VerifyToken=bench-verify",
                $"--Channels:WhatsApp:GraphApiBaseUrl={graphBaseUrl}",
                "--Channels:WhatsApp:MessagesPerSecond=100000",
                "--Channels:WhatsApp:PerRecipientIntervalMilliseconds=0",
            ],
        });
        if (Environment.GetEnvironmentVariable("AVRR_BENCH_LOG") is null)
        {
            builder.Logging.ClearProviders();
        }

        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.AddAvrrHost();
        var app = builder.Build();
        app.UseEdge();
        app.UseRouting();
        app.UseRateLimiter();
        app.MapOperations();
        app.MapPushChannels();
        return app;
    }

    private static async Task<int> SendAsync(HttpClient http, List<(string Wa, string Body)> messages, int concurrency, List<double> latencies)
    {
        var failures = 0;
        var next = -1;
        var gate = new object();
        async Task Worker()
        {
            while (Interlocked.Increment(ref next) is var i && i < messages.Count)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/channels/whatsapp") { Content = new StringContent(messages[i].Body, Encoding.UTF8, "application/json") };
                request.Headers.Add(WhatsAppWebhook.SignatureHeader, WhatsAppWebhook.Sign(messages[i].Body, AppSecret));
                var started = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                lock (gate)
                {
                    latencies.Add(ms);
                    failures += response.StatusCode == HttpStatusCode.OK ? 0 : 1;
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker)));
        return failures;
    }

    /// <summary>Waits, at most <paramref name="timeout"/>, until the fake has received <paramref name="count"/> messages.</summary>
    private static async Task WaitForRepliesAsync(WhatsAppFake graph, int count, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout && graph.Sent.Count < count)
        {
            await Task.Delay(5);
        }
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>A port nothing listens on now, on 127.0.0.1.</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal sealed record HttpLoadResult(int Messages, int Failures, double AckPerSecond, double AckP50Ms, double AckP99Ms, double EndToEndPerSecond, int Answered);
