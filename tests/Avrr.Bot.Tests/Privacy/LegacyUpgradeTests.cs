using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Avrr.Bot.Console;
using Avrr.Bot.Persistence;
using Avrr.Bot.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Avrr.Bot.Tests.Privacy;

/// <summary>A database written before encryption at rest is upgraded at start-up: nothing readable, nothing lost.</summary>
public sealed class LegacyUpgradeTests : IDisposable
{
    private const string Phone = "32470111222";
    private const string LegacyId = "whatsapp:" + Phone;
    private const string WebChatId = "0123456789abcdef0123456789abcdef";
    private const string LegacySecret = "legacy-directline-secret-in-plaintext";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "avrr-legacy", Guid.NewGuid().ToString("N"));

    public LegacyUpgradeTests() => Directory.CreateDirectory(_directory);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Conversations_get_random_ids_sealed_fields_and_hashed_addresses_and_carry_on()
    {
        await WriteLegacyDatabaseAsync(Path.Combine(_directory, "avrr.db"));

        using var bot = new BotFactory(_directory).With("Channels:DirectLine:Secret", null);
        using var http = bot.CreateClient();

        await using (var db = await bot.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync())
        {
            var conversations = await db.Conversations.AsNoTracking().ToListAsync();
            Assert.Equal(2, conversations.Count);
            Assert.All(conversations, c => Assert.Matches("^[0-9a-f]{32}$", c.Id));
            Assert.All(conversations, c => Assert.NotNull(c.DataKey));
            Assert.Contains(conversations, c => c.Id == WebChatId);
            Assert.All(await db.Inbox.AsNoTracking().ToListAsync(), i => Assert.StartsWith("#", i.ExternalId, StringComparison.Ordinal));
            Assert.DoesNotContain(await db.Inbox.AsNoTracking().Select(i => i.ConversationId).ToListAsync(), id => id.Contains(':', StringComparison.Ordinal));
        }

        // The WhatsApp person is found by the keyed hash of their number, with everything they had.
        var whatsApp = await Stored.ConversationOfAsync(bot.Services, "whatsapp", Phone);
        Assert.NotNull(whatsApp);
        Assert.Equal("""{"l":"en","s":"Menu","g":true}""", await Stored.StateAsync(bot.Services, whatsApp!));
        var transcript = await Stored.TranscriptAsync(bot.Services, whatsApp!);
        Assert.Equal(["hello from before", "What would you like to do?"], transcript.Select(a => a["text"]!.GetValue<string>()));
        Assert.All(transcript, a => Assert.StartsWith(whatsApp + "|", a["id"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.DoesNotContain(transcript, a => a.ToJsonString().Contains(Phone, StringComparison.Ordinal));
        Assert.Equal(["a web chat message"], (await Stored.TranscriptAsync(bot.Services, WebChatId)).Select(a => a["text"]!.GetValue<string>()));

        // The waiting hand-off request became an open case in the queue, with its summary still readable to staff.
        await using (var db = await bot.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync())
        {
            var migrated = await db.Cases.AsNoTracking().SingleAsync();
            Assert.Equal(whatsApp, migrated.ConversationId);
            Assert.Equal(CaseState.Open, migrated.Status);
            Assert.Matches("^AV-[0-9A-HJKMNP-TV-Z]{4}$", migrated.Reference);
            Assert.Equal(["opened"], await db.Set<CaseEventRecord>().Select(e => e.Kind).ToListAsync());
            Assert.Equal(ConversationOwner.Queued, (await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == whatsApp)).Owner);
            var export = await bot.Services.GetRequiredService<CaseQueries>().ExportAsync(migrated.Reference, null, null, default);
            Assert.Contains("Ahmad Karimi", export!.Value.GetRawText(), StringComparison.Ordinal);
        }

        // The generated Direct Line secret survived, now wrapped.
        using var generate = new HttpRequestMessage(HttpMethod.Post, "/v3/directline/tokens/generate");
        generate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", LegacySecret);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(generate)).StatusCode);

        // Nothing of the old plaintext is left in the files.
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "avrr.db")}"))
        {
            await connection.OpenAsync();
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            await checkpoint.ExecuteNonQueryAsync();
        }

        foreach (var file in Directory.GetFiles(_directory, "avrr.db*"))
        {
            var bytes = File.ReadAllBytes(file);
            foreach (var secret in new[] { Phone, "hello from before", "a web chat message", "Ahmad Karimi", LegacySecret })
            {
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"'{secret}' is still readable in {Path.GetFileName(file)}");
            }
        }
    }

    /// <summary>The schema and rows as the bot wrote them before this upgrade (migrations up to the previous one).</summary>
    private static async Task WriteLegacyDatabaseAsync(string file)
    {
        await using (var db = new AvrrDbContext(new DbContextOptionsBuilder<AvrrDbContext>().UseSqlite($"Data Source={file}").Options))
        {
            await db.GetService<IMigrator>().MigrateAsync("20261128010000_DataProtectionKeys");
        }

        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        // Recent, or the retention sweep would rightly delete it as soon as the upgraded host starts.
        var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var activity = new JsonObject
        {
            ["type"] = "message",
            ["id"] = LegacyId + "|0000000",
            ["channelId"] = "whatsapp",
            ["from"] = new JsonObject { ["id"] = LegacyId, ["role"] = "user" },
            ["conversation"] = new JsonObject { ["id"] = LegacyId },
            ["text"] = "hello from before",
        };
        var reply = new JsonObject
        {
            ["type"] = "message",
            ["id"] = LegacyId + "|0000001",
            ["from"] = new JsonObject { ["id"] = "avrr-bot", ["role"] = "bot" },
            ["recipient"] = new JsonObject { ["id"] = LegacyId, ["role"] = "user" },
            ["conversation"] = new JsonObject { ["id"] = LegacyId },
            ["replyToId"] = LegacyId + "|0000000",
            ["text"] = "What would you like to do?",
        };
        foreach (var sql in new[]
        {
            $"INSERT INTO conversations VALUES ('{LegacyId}', 'whatsapp', '{Phone}', '{{\"l\":\"en\",\"s\":\"Menu\",\"g\":true}}', 3, 2, 0, 0, {at}, {at})",
            $"INSERT INTO conversations VALUES ('{WebChatId}', 'directline', 'dl_abc', NULL, 1, 1, 0, 0, {at}, {at})",
            $"INSERT INTO activities (conversation_id, seq, direction, payload, created_at, delivery, attempts) VALUES ('{LegacyId}', 0, 0, '{activity.ToJsonString()}', 1, 0, 0)",
            $"INSERT INTO activities (conversation_id, seq, direction, payload, created_at, delivery, attempts, external_message_id) VALUES ('{LegacyId}', 1, 1, '{reply.ToJsonString()}', 1, 3, 1, 'wamid.HBgLMzI0NzAxMTEyMjI')",
            $"INSERT INTO activities (conversation_id, seq, direction, payload, created_at, delivery, attempts) VALUES ('{WebChatId}', 0, 0, '{{\"type\":\"message\",\"id\":\"{WebChatId}|0000000\",\"text\":\"a web chat message\"}}', 1, 0, 0)",
            $"INSERT INTO inbox (channel, external_id, conversation_id, received_at, status) VALUES ('whatsapp', 'wamid.HBgLMzI0NzAxMTEyMjIVAgASGBQ', '{LegacyId}', 1, 0)",
            "INSERT INTO inbox (channel, external_id, conversation_id, received_at, status) VALUES ('telegram', 'm:55501:7', 'telegram:55501', 1, 0)",
            $"INSERT INTO handoff_requests (conversation_id, urgency, reason, case_summary, status, created_at) VALUES ('{LegacyId}', 0, 'asked', '{{\"case\":{{\"language\":\"en\"}},\"note\":\"Ahmad Karimi\"}}', 0, 1)",
            $"INSERT INTO channel_contacts VALUES ('{LegacyId}', 'whatsapp', 1, NULL)",
            $"INSERT INTO host_settings VALUES ('directline.secret', '{LegacySecret}')",
        })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
    }
}
