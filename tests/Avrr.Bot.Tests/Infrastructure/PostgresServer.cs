using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Avrr.Bot.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server from the Debian packages, started for the test run in a temporary directory on
/// 127.0.0.1 and stopped afterwards. Tests that need it skip when the server binaries are absent, unless
/// AVRR_REQUIRE_E2E=1.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "avrr-pg", Guid.NewGuid().ToString("N"));
    private string? _bin;
    private int _port;

    public string AdminConnectionString => $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres;Pooling=false";

    /// <summary>A fresh, empty database for one test.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "avrr_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"CREATE DATABASE {name}";
        await command.ExecuteNonQueryAsync();
        return $"Host=127.0.0.1;Port={_port};Username=postgres;Database={name}";
    }

    public static string? FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.GetDirectories(root)
            .Select(version => Path.Combine(version, "bin"))
            .Where(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")) && File.Exists(Path.Combine(bin, "postgres")))
            .OrderByDescending(bin => bin, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    public async Task InitializeAsync()
    {
        _bin = FindBinaries();
        if (_bin is null)
        {
            return;
        }

        Directory.CreateDirectory(_directory);
        var data = Path.Combine(_directory, "data");
        _port = FreePort();
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            // PostgreSQL refuses to run as root: hand the directory to the postgres user the package created.
            await RunAsync("chown", ["-R", "postgres:postgres", _directory], asPostgres: false);
        }

        await RunAsync(Path.Combine(_bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], asRoot);
        await RunAsync(
            Path.Combine(_bin, "pg_ctl"),
            ["-D", data, "-w", "-t", "60", "-l", Path.Combine(_directory, "server.log"), "-o", $"-p {_port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start"],
            asRoot);
    }

    public async Task DisposeAsync()
    {
        if (_bin is null || !Directory.Exists(_directory))
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"], Environment.UserName == "root");
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task RunAsync(string file, string[] arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (asPostgres)
        {
            foreach (var part in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(part);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresServerGroup : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}

/// <summary>A fact that needs the PostgreSQL server binaries (Debian package <c>postgresql</c>).</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresServer.FindBinaries() is null && Environment.GetEnvironmentVariable("AVRR_REQUIRE_E2E") != "1")
        {
            Skip = "PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql); set AVRR_REQUIRE_E2E=1 to fail instead.";
        }
    }
}
