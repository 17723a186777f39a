using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Avrr.Bot.Tests.Infrastructure;

/// <summary>
/// The real bot as its own process (<c>dotnet Avrr.Bot.dll</c>) on a SQLite database in <c>directory</c>, for tests
/// that kill it like kill -9 and start it again.
/// </summary>
internal static class BotProcess
{
    /// <param name="output">Receives the process's log lines (stdout and stderr), for a test to show when it fails.</param>
    public static async Task<Process> StartAsync(string directory, int port, string? failpoint, IReadOnlyDictionary<string, string>? settings = null, Action<string>? output = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Avrr.Bot.dll"));
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(directory);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ConnectionStrings__Avrr"] = $"Data Source={Path.Combine(directory, "avrr.db")}";
        start.Environment["Channels__DirectLine__Secret"] = BotFactory.DirectLineSecret;
        start.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        if (failpoint is not null)
        {
            start.Environment["Bot__Failpoint"] = failpoint;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Forward(output, e.Data);
        process.ErrorDataReceived += (_, e) => Forward(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 150; attempt++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The bot exited at start-up with code {process.ExitCode}.");
            }

            try
            {
                if ((await probe.GetAsync($"http://127.0.0.1:{port}/readyz")).IsSuccessStatusCode)
                {
                    return process;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(200);
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException("The bot did not become ready in 30 s.");
    }

    private static void Forward(Action<string>? output, string? line)
    {
        if (output is not null && line is not null)
        {
            output(line);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
