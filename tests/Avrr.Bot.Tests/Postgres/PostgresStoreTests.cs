using Avrr.Bot.Console;
using Avrr.Bot.Persistence;
using Avrr.Bot.Tests.Infrastructure;
using Avrr.Bot.Turns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Avrr.Bot.Tests.Postgres;

/// <summary>The same store on a real PostgreSQL: schema, turns, and two instances sharing one database.</summary>
[Collection(PostgresServerGroup.Name)]
public sealed class PostgresStoreTests(PostgresServer server)
{
    private async Task<BotFactory> HostAsync(string? connectionString = null)
    {
        var factory = new BotFactory { Engine = new EchoEngine() }
            .With("Storage:Provider", "Postgres")
            .With("ConnectionStrings:Avrr", connectionString ?? await server.CreateDatabaseAsync());
        factory.CreateClient().Dispose();
        return factory;
    }

    [PostgresFact]
    public async Task Migrated_schema_equals_the_schema_the_model_creates()
    {
        var migrated = await server.CreateDatabaseAsync();
        var created = await server.CreateDatabaseAsync();
        await using (var db = Context(migrated))
        {
            await db.Database.MigrateAsync();
        }

        await using (var db = Context(created))
        {
            await db.Database.EnsureCreatedAsync();
        }

        var expected = await DescribeAsync(created);
        var actual = await DescribeAsync(migrated);

        Assert.Equal(expected, actual);
    }

    [PostgresFact]
    public async Task A_version_published_on_one_instance_becomes_current_on_the_other_and_staff_accounts_are_shared()
    {
        var database = await server.CreateDatabaseAsync();
        using var first = await HostAsync(database);
        using var second = new BotFactory { Engine = new EchoEngine() }
            .With("Storage:Provider", "Postgres")
            .With("ConnectionStrings:Avrr", database)
            .With("Knowledge:RefreshSeconds", "1");
        second.CreateClient().Dispose();
        var store = first.Services.GetRequiredService<Knowledge.KnowledgeStore>();
        var draft = await store.CreateDraftAsync("Dutch", "admin@example.org", default);
        await store.SetStringAsync(draft, "nl", "menu.prompt", "Wat wilt u nu doen?", true, "admin@example.org", default);
        var version = await store.PublishAsync(draft, "admin@example.org", null, default);
        await StaffAccounts.AddAsync(first.Services, "admin@example.org");

        var knowledge = second.Services.GetRequiredService<Avrr.Knowledge.IKnowledgeSource>();
        for (var attempt = 0; attempt < 100 && knowledge.Current.Version != version!.Label; attempt++)
        {
            await Task.Delay(100);
        }

        Assert.Equal("Wat wilt u nu doen?", knowledge.Current.Text("menu.prompt", "nl").Text);
        await using var scope = second.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Microsoft.AspNetCore.Identity.IdentityUser>>();
        Assert.NotNull(await users.FindByEmailAsync("admin@example.org"));
    }

    [PostgresFact]
    public async Task The_telegram_outbox_delivers_in_order_with_a_throttled_chat_on_postgres()
    {
        await using var telegram = await Avrr.Channels.Fakes.Telegram.TelegramFake.StartAsync("55:pg-token");
        using var factory = new BotFactory()
            .With("Storage:Provider", "Postgres")
            .With("ConnectionStrings:Avrr", await server.CreateDatabaseAsync())
            .With("Channels:Telegram:Token", "55:pg-token")
            .With("Channels:Telegram:ApiBaseUrl", telegram.ApiBaseUrl)
            .With("Channels:Telegram:PollTimeoutSeconds", "1")
            .With("Channels:Telegram:PerChatIntervalMilliseconds", "10");
        factory.CreateClient().Dispose();
        telegram.FailNext("sendMessage", 429, "Too Many Requests: retry after 1", retryAfter: 1, chatId: 10);

        telegram.UserSends(10, "hello");
        telegram.UserSends(10, "still there?");
        telegram.UserSends(10, "counsellor");
        var sent = await telegram.WaitForSentAsync(10, 3, TimeSpan.FromSeconds(20));
        var conversationId = await Stored.WaitForConversationAsync(factory.Services, "telegram", "10");
        var reference = await Counsellors.OpenCaseAsync(factory.Services, conversationId);
        var amira = await Counsellors.AddAsync(factory.Services, "amira@example.org");
        await Counsellors.ClaimAsync(factory.Services, reference, amira);
        Assert.IsType<CaseActionResult.Done>(await Counsellors.SendAsync(factory.Services, reference, amira, "A counsellor writes."));
        var all = await telegram.WaitForSentAsync(10, sent.Count + 2, TimeSpan.FromSeconds(20));

        Assert.Equal("A counsellor writes.", all[^1].Text);
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
        // The fake records a message when it answers; the bot marks the row sent right after: wait for that (bounded).
        List<ActivityRecord> outgoing = [];
        for (var i = 0; i < 100; i++)
        {
            outgoing = await db.Activities.AsNoTracking().Where(a => a.ConversationId == conversationId && a.Direction == ActivityDirection.Out).OrderBy(a => a.Seq).ToListAsync();
            if (outgoing.All(a => a.Delivery == DeliveryStatus.Sent))
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.All(outgoing, a => Assert.Equal(DeliveryStatus.Sent, a.Delivery));
        // The bot's replies came before any consent: dropped once sent. Once a case is open, what is said is kept for it.
        Assert.Equal(2, outgoing.Count);
        Assert.Equal(sent.Count + 2, telegram.Sent.Count(s => s.ChatId == 10));
    }

    [PostgresFact]
    public async Task Duplicate_and_concurrent_turns_behave_as_on_sqlite()
    {
        using var factory = await HostAsync();
        var pipeline = factory.Services.GetRequiredService<TurnPipeline>();

        Assert.Equal(TurnStatus.Processed, (await pipeline.ProcessAsync(Inbound.Message("pg", "m0", "first"), default)).Status);
        Assert.Equal(TurnStatus.Duplicate, (await pipeline.ProcessAsync(Inbound.Message("pg", "m0", "first"), default)).Status);
        await Task.WhenAll(Enumerable.Range(1, 49).Select(i => pipeline.ProcessAsync(Inbound.Message("pg", $"m{i}", $"n{i}"), default)));

        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
        var conversation = await db.Conversations.SingleAsync(c => c.Id == "pg");
        Assert.Equal("50", await Stored.StateAsync(factory.Services, "pg"));
        Assert.Equal(100, conversation.NextSeq);
    }

    [PostgresFact]
    public async Task Two_instances_on_one_database_lose_no_update()
    {
        var connectionString = await server.CreateDatabaseAsync();
        using var first = await HostAsync(connectionString);
        using var second = await HostAsync(connectionString);
        var a = first.Services.GetRequiredService<TurnPipeline>();
        var b = second.Services.GetRequiredService<TurnPipeline>();

        // The in-process lock does not span instances: the version check and turn retry must.
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? a : b).ProcessAsync(Inbound.Message("shared", $"m{i}", $"n{i}"), default)));

        await using var db = await first.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
        var conversation = await db.Conversations.SingleAsync(c => c.Id == "shared");
        Assert.Equal("40", await Stored.StateAsync(first.Services, "shared"));
        Assert.Equal(80, conversation.NextSeq);
        var replies = (await Stored.TranscriptAsync(second.Services, "shared")).Where(a => a["from"]?["role"]?.GetValue<string>() == "bot");
        var counters = replies.Select(p => int.Parse(p["text"]!.GetValue<string>().Split(' ', ':')[1], System.Globalization.CultureInfo.InvariantCulture)).Order();
        Assert.Equal(Enumerable.Range(1, 40), counters);
    }

    [PostgresFact]
    public async Task Direct_line_works_end_to_end_on_postgres()
    {
        using var factory = await HostAsync();
        using var http = factory.CreateClient();
        var client = await DirectLineClient.StartAsync(http);

        (await client.PostActivityAsync("hello")).EnsureSuccessStatusCode();
        var (activities, watermark) = await client.GetActivitiesAsync();

        Assert.Equal(["hello", "echo 1: hello"], activities.Select(DirectLineClient.Text));
        Assert.Equal("1", watermark);
    }

    [PostgresFact]
    public async Task Personal_fields_read_through_sql_are_only_ciphertext()
    {
        var database = await server.CreateDatabaseAsync();
        using var factory = new BotFactory().With("Storage:Provider", "Postgres").With("ConnectionStrings:Avrr", database);
        using var http = factory.CreateClient();
        var client = await DirectLineClient.StartAsync(http);
        foreach (var text in new[] { "hello", "English", "yes", "My name is Leila Ahmadi, passport X99887766" })
        {
            (await client.PostActivityAsync(text)).EnsureSuccessStatusCode();
        }

        Assert.Contains("My name is Leila Ahmadi, passport X99887766", await Stored.TextsAsync(factory.Services, client.ConversationId!));
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var values = new List<byte[]>();
        foreach (var sql in new[] { "SELECT state FROM conversations WHERE state IS NOT NULL", "SELECT payload FROM activities", "SELECT data_key FROM conversations" })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                values.Add((byte[])reader.GetValue(0));
            }
        }

        Assert.True(values.Count >= 8, $"only {values.Count} values");
        Assert.All(values, v =>
        {
            Assert.Equal(1, v[0]);
            var text = System.Text.Encoding.UTF8.GetString(v);
            Assert.DoesNotContain("Leila", text, StringComparison.Ordinal);
            Assert.DoesNotContain("X99887766", text, StringComparison.Ordinal);
            Assert.DoesNotContain("\"text\"", text, StringComparison.Ordinal);
        });
    }

    [PostgresFact]
    public async Task Only_one_instance_sweeps_at_a_time()
    {
        var database = await server.CreateDatabaseAsync();
        using var first = await HostAsync(database);
        using var second = await HostAsync(database);
        await using var holder = new NpgsqlConnection(database);
        await holder.OpenAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({Avrr.Bot.Privacy.RetentionSweep.SweepLock})", holder))
        {
            // The sweep's lock, held as if another instance were sweeping now.
            await take.ExecuteScalarAsync();
        }

        Assert.Null(await first.Services.GetRequiredService<Avrr.Bot.Privacy.RetentionSweep>().RunOnceAsync(int.MaxValue, default));
        await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({Avrr.Bot.Privacy.RetentionSweep.SweepLock})", holder))
        {
            await release.ExecuteScalarAsync();
        }

        Assert.NotNull(await second.Services.GetRequiredService<Avrr.Bot.Privacy.RetentionSweep>().RunOnceAsync(int.MaxValue, default));
    }

    private static AvrrDbContext Context(string connectionString) =>
        new(new DbContextOptionsBuilder<AvrrDbContext>().UseNpgsql(connectionString).Options);

    private static async Task<List<string>> DescribeAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var result = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT table_name, column_name, data_type, coalesce(character_maximum_length, 0), is_nullable, coalesce(is_identity, 'NO')
                FROM information_schema.columns
                WHERE table_schema = 'public' AND table_name NOT LIKE '__EFMigrations%'
                ORDER BY table_name, column_name
                """;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                result.Add($"{reader.GetString(0)}.{reader.GetString(1)} {reader.GetString(2)}({reader.GetInt32(3)}) nullable={reader.GetString(4)} identity={reader.GetString(5)}");
            }
        }

        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE '__EFMigrations%' ORDER BY tablename, indexname";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                result.Add($"{reader.GetString(0)} {reader.GetString(2)}");
            }
        }

        return result;
    }
}
