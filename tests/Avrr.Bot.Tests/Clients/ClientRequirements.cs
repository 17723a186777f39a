using System.Diagnostics;

namespace Avrr.Bot.Tests.Clients;

/// <summary>
/// Tests that drive the official clients need components the .NET SDK does not bring. They skip with the reason
/// when a component is absent, unless AVRR_REQUIRE_E2E=1 (then they run and fail).
/// </summary>
internal static class ClientRequirements
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public static bool Required => Environment.GetEnvironmentVariable("AVRR_REQUIRE_E2E") == "1";

    /// <summary>tests/clients, found by walking up from the test binaries to the repository.</summary>
    public static string ClientsDirectory { get; } = FindClientsDirectory();

    public static string? MissingNode()
    {
        if (FindOnPath("node") is null)
        {
            return "Node.js is not installed (apt-get install nodejs npm)";
        }

        return Directory.Exists(Path.Combine(ClientsDirectory, "node_modules", "botframework-directlinejs"))
            ? null
            : $"the client packages are not installed (cd {ClientsDirectory} && npm ci)";
    }

    public static string? MissingChromium() =>
        File.Exists(ChromiumPath) ? null : $"{ChromiumPath} is not installed (apt-get install chromium)";

    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    private static string FindClientsDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "clients");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "tests", "clients");
    }

    public static async Task<(int ExitCode, string Output)> RunNodeAsync(string script, IEnumerable<string> arguments, Func<string, Task>? onLine, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = ClientsDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var cts = new CancellationTokenSource(timeout);
        var output = new System.Text.StringBuilder();
        var errors = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                output.AppendLine(line);
                if (onLine is not null)
                {
                    await onLine(line);
                }
            }

            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {script} did not finish in {timeout}: {output}");
        }

        return (process.ExitCode, output + await errors);
    }
}

public sealed class RequiresNodeFactAttribute : FactAttribute
{
    public RequiresNodeFactAttribute()
    {
        if (ClientRequirements.MissingNode() is { } missing && !ClientRequirements.Required)
        {
            Skip = $"Skipped: {missing}. Set AVRR_REQUIRE_E2E=1 to fail instead.";
        }
    }
}

public sealed class RequiresChromiumFactAttribute : FactAttribute
{
    public RequiresChromiumFactAttribute()
    {
        if (ClientRequirements.MissingChromium() is { } missing && !ClientRequirements.Required)
        {
            Skip = $"Skipped: {missing}. Set AVRR_REQUIRE_E2E=1 to fail instead.";
        }
    }
}
