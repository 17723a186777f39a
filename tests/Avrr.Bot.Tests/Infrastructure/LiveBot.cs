using System.Net;
using System.Net.Sockets;
using Avrr.Dialogs;

namespace Avrr.Bot.Tests.Infrastructure;

/// <summary>The real host listening on 127.0.0.1, for clients outside the process (Node, Chromium).</summary>
public sealed class LiveBot : IDisposable
{
    private LiveBot(BotFactory factory, int port)
    {
        Factory = factory;
        Port = port;
    }

    public BotFactory Factory { get; }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public string DirectLineDomain => BaseUrl + "/v3/directline";

    /// <param name="engine">A stand-in engine, or null for the real intake on the published knowledge.</param>
    /// <param name="settings">Configuration for this host (channels, console options).</param>
    public static LiveBot Start(IDialogEngine? engine, string? directory = null, int? port = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var chosen = port ?? FreePort();
        var factory = new BotFactory(directory) { Engine = engine }.With("Urls", $"http://127.0.0.1:{chosen}");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            factory.With(key, value);
        }

        factory.UseKestrel(chosen);
        factory.StartServer();
        return new LiveBot(factory, chosen);
    }

    public HttpClient CreateClient() => new() { BaseAddress = new Uri(BaseUrl) };

    public void Dispose() => Factory.Dispose();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
