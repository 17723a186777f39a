using Avrr.Dialogs;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Avrr.Bot.Tests.Infrastructure;

/// <summary>The real host on a fresh SQLite file per factory; the dialog engine and clock can be swapped.</summary>
public sealed class BotFactory : WebApplicationFactory<Program>
{
    private readonly string _directory;
    private readonly bool _ownsDirectory;
    private readonly Dictionary<string, string?> _settings = new(StringComparer.Ordinal);

    /// <param name="directory">A directory (and so a database) shared with an earlier host, to test restarts.</param>
    public BotFactory(string? directory = null)
    {
        _ownsDirectory = directory is null;
        _directory = directory ?? Path.Combine(Path.GetTempPath(), "avrr-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        DatabasePath = Path.Combine(_directory, "avrr.db");
        _settings["ConnectionStrings:Avrr"] = $"Data Source={DatabasePath}";
        _settings["Channels:DirectLine:Secret"] = DirectLineSecret;
    }

    public const string DirectLineSecret = "test-directline-secret-0123456789";

    /// <summary>The master key instances share on PostgreSQL (SQLite tests let the host generate one in their folder).</summary>
    public const string SharedMasterKey = "q2B1mYJ1b7rPjW1R0wq3b5l5S0m3t2Zb6u9o0Q7c4yE=";

    public string DatabasePath { get; }

    public string DataDirectory => _directory;

    public IDialogEngine? Engine { get; init; }

    public FakeTimeProvider? Time { get; init; }

    /// <summary>More registrations, after the host's own (e.g. an in-memory telemetry exporter).</summary>
    public Action<IServiceCollection>? MoreServices { get; init; }

    public BotFactory With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        if (_settings.GetValueOrDefault("Storage:Provider") == "Postgres" && !_settings.ContainsKey("Privacy:MasterKey"))
        {
            _settings["Privacy:MasterKey"] = SharedMasterKey;
        }

        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            if (Engine is not null)
            {
                services.RemoveAll<IDialogEngine>();
                services.AddSingleton(Engine);
            }

            if (Time is not null)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(Time);
            }

            MoreServices?.Invoke(services);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (!_ownsDirectory)
        {
            return;
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the OS is left to the temp cleaner.
        }
    }
}
