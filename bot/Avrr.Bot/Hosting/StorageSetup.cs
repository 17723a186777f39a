using Avrr.Bot.Common;
using Avrr.Bot.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Hosting;

internal static class StorageSetup
{
    public const string ConnectionStringName = "Avrr";

    public static WebApplicationBuilder AddAvrrStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.Section)
            .Configure<IHostEnvironment>((options, env) => options.ConnectionString = ResolveConnectionString(builder.Configuration, options.Provider, env.ContentRootPath))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddPooledDbContextFactory<AvrrDbContext>((services, options) =>
        {
            var storage = services.GetRequiredService<IOptions<StorageOptions>>().Value;
            if (storage.Provider == StorageProvider.Postgres)
            {
                options.UseNpgsql(storage.ConnectionString);
            }
            else
            {
                options.UseSqlite(storage.ConnectionString).AddInterceptors(new SqlitePragmaInterceptor(storage.SqliteSynchronous));
            }
        });

        builder.Services.AddSingleton<StoreConnections>();
        builder.Services.AddSingleton<StoreWriter>();
        return builder;
    }

    /// <summary><c>ConnectionStrings:Avrr</c>, or for SQLite <c>data/avrr.db</c> under the content root.</summary>
    internal static string ResolveConnectionString(IConfiguration configuration, StorageProvider provider, string contentRoot)
    {
        var configured = configuration.GetConnectionString(ConnectionStringName);
        if (provider == StorageProvider.Postgres)
        {
            return configured ?? throw new OptionsValidationException(nameof(StorageOptions), typeof(StorageOptions),
                ["Storage:Provider is Postgres but ConnectionStrings:Avrr is not set (e.g. 'Host=localhost;Database=avrr;Username=avrr;Password=…')."]);
        }

        var sqlite = new SqliteConnectionStringBuilder(configured ?? "Data Source=data/avrr.db") { Pooling = true };
        if (!Path.IsPathRooted(sqlite.DataSource) && sqlite.DataSource != ":memory:")
        {
            sqlite.DataSource = Path.GetFullPath(Path.Combine(contentRoot, sqlite.DataSource));
        }

        return sqlite.ToString();
    }

    /// <summary>Creates or upgrades the schema before the host takes traffic.</summary>
    public static async Task MigrateStorageAsync(this WebApplication app)
    {
        var storage = app.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
        if (storage.Provider == StorageProvider.Sqlite)
        {
            var file = new SqliteConnectionStringBuilder(storage.ConnectionString).DataSource;
            var directory = Path.GetDirectoryName(file);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
        }

        // One instance at a time from the schema to the last start-up step (StoreConnections.StartupLock).
        var connections = app.Services.GetRequiredService<StoreConnections>();
        await using var startup = await connections.LockAsync(StoreConnections.StartupLock, app.Lifetime.ApplicationStopping);
        var contexts = app.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            if (storage.Provider == StorageProvider.Sqlite)
            {
                await db.Database.OpenConnectionAsync();
                await db.Database.ExecuteSqlRawAsync(SqlitePragmas.OncePerDatabase);
            }

            await db.Database.MigrateAsync();
        }

        foreach (var step in app.Services.GetServices<IStartupStep>())
        {
            await step.RunAsync(app.Lifetime.ApplicationStopping);
        }
    }
}
