using System.Diagnostics;
using System.Net;
using System.Text;
using Avrr.Channels.Fakes.WhatsApp;

namespace Avrr.Bot.Benchmarks;

/// <summary>
/// The host as an operator deploys it: published with a runtime identifier (so precompiled, ReadyToRun) and started as
/// its own process (<c>dotnet Avrr.Bot.dll</c>), timed from launch to the first reply to a WhatsApp message, on an
/// empty database (migrations and publishing the shipped content included) and again on the database the first start
/// left; then its resident memory once idle. For comparison, the same restart from the build output (JIT only).
/// </summary>
internal static class ColdStartBenchmark
{
    private const string AccessToken = "cold-access-token";
    private const string PhoneNumberId = "100000000000002";
    private const string AppSecret = "cold-app-secret";

    public static async Task<ColdStartResult> RunAsync(string directory)
    {
        var published = await PublishAsync(Path.Combine(directory, "published"));
        await using var graph = await WhatsAppFake.StartAsync(AccessToken, PhoneNumberId);
        var first = await StartAndAnswerAsync(graph, published, directory, "4915000000001", measureIdle: false);
        var again = await StartAndAnswerAsync(graph, published, directory, "4915000000002", measureIdle: true);
        var jit = await StartAndAnswerAsync(graph, AppContext.BaseDirectory, directory, "4915000000003", measureIdle: false);
        return new ColdStartResult(first.Elapsed.TotalMilliseconds, again.Elapsed.TotalMilliseconds, again.IdleRssBytes, jit.Elapsed.TotalMilliseconds);
    }

    /// <summary><c>dotnet publish -c Release -r &lt;this machine&gt;</c>, as deployment/README.md does.</summary>
    private static async Task<string> PublishAsync(string output)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Avrr.Bot.sln")))
        {
            root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar)) ?? throw new InvalidOperationException("The repository root (Avrr.Bot.sln) was not found above the benchmark.");
        }

        var publish = new ProcessStartInfo("dotnet", ["publish", Path.Combine(root, "bot", "Avrr.Bot"), "-c", "Release", "-r", System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier, "--self-contained", "false", "-o", output, "-v", "quiet", "-nologo"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(publish) ?? throw new InvalidOperationException("dotnet publish did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed ({process.ExitCode}): {await stdout}{await stderr}");
        }

        return output;
    }

    private static async Task<(TimeSpan Elapsed, long IdleRssBytes)> StartAndAnswerAsync(WhatsAppFake graph, string binaries, string directory, string waId, bool measureIdle)
    {
        var port = HttpLoadBenchmark.FreePort();
        var host = new ProcessStartInfo("dotnet", [Path.Combine(binaries, "Avrr.Bot.dll"), "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        host.Environment["ConnectionStrings__Avrr"] = $"Data Source={Path.Combine(directory, "cold.db")}";
        host.Environment["Channels__WhatsApp__AccessToken"] = AccessToken;
        host.Environment["Channels__WhatsApp__PhoneNumberId"] = PhoneNumberId;
        host.Environment["Channels__WhatsApp__AppSecret"] = AppSecret;
        host.Environment["Channels__WhatsApp__VerifyToken"] = "cold-verify";
        host.Environment["Channels__WhatsApp__GraphApiBaseUrl"] = graph.GraphBaseUrl;
        host.Environment["Logging__LogLevel__Default"] = "Warning";

        var sentBefore = graph.Sent.Count;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(host) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var body = WhatsAppWebhook.TextMessage(PhoneNumberId, waId, $"wamid.cold.{Guid.NewGuid():N}", "hello", DateTimeOffset.UtcNow);
            graph.UserMessaged(waId, DateTimeOffset.UtcNow);
            var acknowledged = false;
            while (!acknowledged && clock.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/channels/whatsapp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                    request.Headers.Add(WhatsAppWebhook.SignatureHeader, WhatsAppWebhook.Sign(body, AppSecret));
                    using var response = await http.SendAsync(request);
                    acknowledged = response.StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                if (!acknowledged)
                {
                    await Task.Delay(10);
                }
            }

            while (graph.Sent.Count == sentBefore && clock.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
            {
                await Task.Delay(2);
            }

            var elapsed = clock.Elapsed;
            if (graph.Sent.Count == sentBefore)
            {
                throw new InvalidOperationException($"The host did not answer within 60 s (exited: {process.HasExited}).");
            }

            long rss = 0;
            if (measureIdle)
            {
                await Task.Delay(TimeSpan.FromSeconds(3));
                process.Refresh();
                rss = process.WorkingSet64;
            }

            return (elapsed, rss);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}

internal sealed record ColdStartResult(double FirstStartMs, double RestartMs, long IdleRssBytes, double BuildOutputRestartMs);
