using Avrr.Bot.Persistence;
using Avrr.Bot.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Avrr.Bot.Tests.Postgres;

/// <summary>
/// Instances started at the same moment on one empty database all come up: migrations take EF Core's lock, and the
/// start-up steps after them (the first publish of the shipped content, generated secrets) take the start-up lock.
/// </summary>
[Collection(PostgresServerGroup.Name)]
public sealed class StartingTogetherTests(PostgresServer server)
{
    private static BotFactory Host(string database) =>
        new BotFactory { Engine = new EchoEngine() }
            .With("Storage:Provider", "Postgres")
            .With("ConnectionStrings:Avrr", database);

    [PostgresFact]
    public async Task Three_instances_started_at_once_on_an_empty_database_all_come_up_with_one_shipped_version()
    {
        var database = await server.CreateDatabaseAsync();
        var hosts = Enumerable.Range(0, 3).Select(_ => Host(database)).ToList();
        try
        {
            await Task.WhenAll(hosts.Select(h => Task.Run(() => h.CreateClient().Dispose())));

            await using var db = hosts[0].Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContext();
            Assert.Equal(1, await db.KnowledgeVersions.CountAsync());
            Assert.Equal(1, await db.HostSettings.CountAsync(s => s.Key == "knowledge.shipped_hash"));
        }
        finally
        {
            hosts.ForEach(h => h.Dispose());
        }
    }

    [PostgresFact]
    public async Task The_start_up_steps_wait_for_the_start_up_lock()
    {
        var database = await server.CreateDatabaseAsync();
        await using var holder = new NpgsqlConnection(database);
        await holder.OpenAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({StoreConnections.StartupLock})", holder))
        {
            await take.ExecuteScalarAsync();
        }

        using var host = Host(database);
        var starting = Task.Run(() => host.CreateClient().Dispose());

        await Until.TrueAsync(async () => await WaitingForTheLockAsync(database), "an instance waiting for the start-up lock");
        Assert.False(starting.IsCompleted);
        await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({StoreConnections.StartupLock})", holder))
        {
            await release.ExecuteScalarAsync();
        }

        await starting;
    }

    private static async Task<bool> WaitingForTheLockAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = ({StoreConnections.StartupLock} & 4294967295)", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }
}
