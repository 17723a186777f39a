using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Avrr.Bot.Tests.Infrastructure;
using Avrr.Channels.Fakes.Telegram;
using Avrr.Channels.Fakes.WhatsApp;
using Npgsql;

namespace Avrr.Bot.Tests.ScaleOut;

/// <summary>
/// Two bot processes on one PostgreSQL database behind Debian's nginx running the repository's template, with Telegram
/// (webhook mode, through nginx) and WhatsApp fakes. Everything on 127.0.0.1; stopped when disposed.
/// </summary>
internal sealed class ScaleOutCluster : IAsyncDisposable
{
    public const string TelegramToken = "7000000042:scale-out-token";
    public const string PhoneNumberId = "109876500042";
    public const string AppSecret = "scale-out-app-secret";
    private readonly List<string> _directories = [];
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log = new();

    private ScaleOutCluster(string database, NginxServer nginx, TelegramFake telegram, WhatsAppFake whatsApp, int[] ports)
    {
        Database = database;
        Nginx = nginx;
        Telegram = telegram;
        WhatsApp = whatsApp;
        Ports = ports;
    }

    public string Database { get; }

    public NginxServer Nginx { get; }

    public TelegramFake Telegram { get; }

    public WhatsAppFake WhatsApp { get; }

    /// <summary>The two instances' ports: A is [0], B is [1].</summary>
    public int[] Ports { get; }

    public Process?[] Instances { get; } = new Process?[2];

    public static async Task<ScaleOutCluster> StartAsync(PostgresServer postgres)
    {
        var database = await postgres.CreateDatabaseAsync();
        int[] ports = [BotProcess.FreePort(), BotProcess.FreePort()];
        var nginx = await NginxServer.StartAsync($"127.0.0.1:{ports[0]}", $"127.0.0.1:{ports[1]}");
        var telegram = await TelegramFake.StartAsync(TelegramToken, webhookCertificate: nginx.Certificate);
        var whatsApp = await WhatsAppFake.StartAsync("scale-out-access-token", PhoneNumberId);
        var cluster = new ScaleOutCluster(database, nginx, telegram, whatsApp, ports);
        var masterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var settings = new Dictionary<string, string>
        {
            ["Storage__Provider"] = "Postgres",
            ["ConnectionStrings__Avrr"] = database,
            ["Privacy__MasterKey"] = masterKey,
            ["Channels__Telegram__Token"] = TelegramToken,
            ["Channels__Telegram__ApiBaseUrl"] = telegram.ApiBaseUrl,
            ["Channels__Telegram__Mode"] = "Webhook",
            ["Channels__Telegram__PublicUrl"] = nginx.BaseUrl,
            ["Channels__Telegram__WebhookSecret"] = "scale-out-webhook-secret",
            ["Channels__WhatsApp__AccessToken"] = "scale-out-access-token",
            ["Channels__WhatsApp__PhoneNumberId"] = PhoneNumberId,
            ["Channels__WhatsApp__AppSecret"] = AppSecret,
            ["Channels__WhatsApp__VerifyToken"] = "scale-out-verify",
            ["Channels__WhatsApp__GraphApiBaseUrl"] = whatsApp.GraphBaseUrl,
            ["Channels__WhatsApp__PerRecipientIntervalMilliseconds"] = "0",
        };
        try
        {
            // Started at the same moment on the empty database, as an orchestrator starts replicas.
            var started = await Task.WhenAll(ports.Select((port, index) =>
            {
                var directory = Directory.CreateTempSubdirectory("avrr-scale-").FullName;
                cluster._directories.Add(directory);
                var name = index == 0 ? "A" : "B";
                return BotProcess.StartAsync(directory, port, failpoint: null, settings, line => cluster._log.Enqueue($"{name}: {line}"));
            }));
            started.CopyTo(cluster.Instances, 0);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Both instances' logs (warnings and errors) and nginx's, for a failing test's message.</summary>
    public string Log() => string.Join("\n", _log.Where(l => !l.Contains("info:", StringComparison.Ordinal)).TakeLast(150)) + "\n" + Nginx.Log();

    public string Upstream(int instance) => $"127.0.0.1:{Ports[instance]}";

    /// <summary>Kills the instance as a crash or an OOM kill would: no shutdown, no draining.</summary>
    public void Kill(int instance)
    {
        Instances[instance]!.Kill(entireProcessTree: true);
        Instances[instance]!.WaitForExit();
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Waits (bounded) until nothing waits in the inbox or the outbox.</summary>
    public async Task DrainedAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (await CountAsync("SELECT (SELECT count(*) FROM inbox WHERE status = 1) + (SELECT count(*) FROM activities WHERE direction = 1 AND delivery IN (1, 2))") > 0)
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"The inbox and outbox were not drained within {timeout}.");
            }

            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Instances.OfType<Process>())
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        await Nginx.DisposeAsync();
        await Telegram.DisposeAsync();
        await WhatsApp.DisposeAsync();
        foreach (var directory in _directories)
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
