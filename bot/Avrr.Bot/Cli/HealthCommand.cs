using System.Globalization;

namespace Avrr.Bot.Cli;

/// <summary>
/// <c>Avrr.Bot health [url]</c>: asks a running instance's <c>/healthz</c> and exits 0 when it answers 200. It is the
/// container's health check, since the ASP.NET runtime image has no curl; it reads no configuration and opens no store.
/// </summary>
internal static class HealthCommand
{
    public static bool Matches(string[] args) => args is ["health", ..];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length > 2)
        {
            error.WriteLine("usage: Avrr.Bot health [http://127.0.0.1:5080/healthz]");
            return 2;
        }

        var url = args.Length == 2 ? args[1] : DefaultUrl(Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS"));
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            error.WriteLine($"{url}: not an absolute URL");
            return 2;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(uri);
            output.WriteLine($"{uri}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            error.WriteLine($"{uri}: {ex.Message}");
            return 1;
        }
    }

    /// <summary>The instance's own port: the first of <c>ASPNETCORE_HTTP_PORTS</c> (the container sets it), else 5080.</summary>
    internal static string DefaultUrl(string? httpPorts)
    {
        var first = httpPorts?.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        var port = int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 5080;
        return $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/healthz";
    }
}
