using Avrr.Bot.Console;
using Avrr.Bot.Persistence;
using Avrr.Bot.Privacy;
using Avrr.Bot.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Avrr.Bot.Tests.Privacy;

/// <summary>What the privacy notice promises about keeping data is what the retention sweep does.</summary>
public sealed class RetentionTests
{
    private static BotFactory Bot(string? directory = null, string sweep = "00:00:01") => new BotFactory(directory)
        .With("Privacy:Retention:Conversations", "00:00:02")
        .With("Privacy:Retention:SweepInterval", sweep);

    [Fact]
    public async Task An_inactive_conversation_disappears_and_one_waiting_for_a_counsellor_stays()
    {
        using var bot = Bot();
        using var http = bot.CreateClient();
        var inactive = await ConversationAsync(http, "hello", "English", "yes", "I have a question about my papers");
        var waiting = await ConversationAsync(http, "hello", "English", "yes", "counsellor");

        await WaitAsync(async () => !await ExistsAsync(bot, inactive));

        Assert.False(await ExistsAsync(bot, inactive));
        await using var db = await Db(bot);
        Assert.False(await db.Activities.AnyAsync(a => a.ConversationId == inactive));
        Assert.False(await db.Inbox.AnyAsync(i => i.ConversationId == inactive));
        Assert.True(await ExistsAsync(bot, waiting));
        Assert.Contains("counsellor", await Stored.TextsAsync(bot.Services, waiting));
        Assert.Contains(await db.AuditLog.Select(a => a.Actor + " " + a.Action).ToListAsync(), a => a == "retention sweep person.erase");
    }

    [Fact]
    public async Task Without_consent_messages_are_kept_only_until_delivered_and_then_expire()
    {
        using var bot = new BotFactory().With("Privacy:Retention:WithoutConsent", "00:00:01");
        using var http = bot.CreateClient();
        var client = await DirectLineClient.StartAsync(http);
        foreach (var text in new[] { "hello", "English", "no", "My name is Karim and I live at Rue de la Loi 16" })
        {
            (await client.PostActivityAsync(text)).EnsureSuccessStatusCode();
        }

        // Delivered: the web chat reads its echo and the replies.
        var (delivered, _) = await client.GetActivitiesAsync();
        Assert.Contains(delivered, a => DirectLineClient.Text(a)?.Contains("Karim", StringComparison.Ordinal) == true);

        await WaitAsync(async () => (await Stored.TranscriptAsync(bot.Services, client.ConversationId!)).Count == 0);
        Assert.Empty(await Stored.TranscriptAsync(bot.Services, client.ConversationId!));
        // The conversation itself goes on, in the language chosen, with the consent answer recorded and no free text.
        var state = await Stored.StateAsync(bot.Services, client.ConversationId!) ?? "";
        Assert.Contains("\"l\":\"en\"", state, StringComparison.Ordinal);
        Assert.DoesNotContain("Karim", state, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restart_in_the_middle_of_a_sweep_loses_nothing()
    {
        var directory = Path.Combine(Path.GetTempPath(), "avrr-tests", Guid.NewGuid().ToString("N"));
        string queued;
        string[] inactive;
        using (var first = Bot(directory, sweep: "01:00:00"))
        {
            using var http = first.CreateClient();
            inactive = [await ConversationAsync(http, "hello"), await ConversationAsync(http, "hello"), await ConversationAsync(http, "hello")];
            queued = await ConversationAsync(http, "hello", "English", "yes", "counsellor");
            await Task.Delay(TimeSpan.FromSeconds(2.5));

            // The sweep gets as far as one conversation, then the process stops.
            var partial = await first.Services.GetRequiredService<RetentionSweep>().RunOnceAsync(maxConversations: 1, default);
            Assert.Equal(1, partial!.Conversations);
            await using var db = await Db(first);
            Assert.Equal(2, await db.Conversations.CountAsync(c => inactive.Contains(c.Id)));
            Assert.All(await db.Conversations.Where(c => inactive.Contains(c.Id)).Select(c => c.Id).ToListAsync(), id =>
                Assert.True(db.Activities.Any(a => a.ConversationId == id), "a conversation half-erased"));
        }

        using var second = new BotFactory(directory).With("Privacy:Retention:Conversations", "00:00:02").With("Privacy:Retention:SweepInterval", "00:00:01");
        second.CreateClient().Dispose();
        await WaitAsync(async () =>
        {
            await using var db = await Db(second);
            return !await db.Conversations.AnyAsync(c => inactive.Contains(c.Id));
        });

        await using var check = await Db(second);
        Assert.False(await check.Conversations.AnyAsync(c => inactive.Contains(c.Id)));
        Assert.False(await check.Activities.AnyAsync(a => inactive.Contains(a.ConversationId)));
        Assert.Contains("counsellor", await Stored.TextsAsync(second.Services, queued));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task A_closed_case_keeps_its_summary_after_the_transcript_goes_and_is_deleted_on_its_own_schedule()
    {
        using var bot = Bot().With("Privacy:Retention:ClosedCases", "00:00:05");
        using var http = bot.CreateClient();
        var conversation = await ConversationAsync(http, "hello", "English", "yes", "2", "Germany", "counsellor");
        var reference = await Counsellors.OpenCaseAsync(bot.Services, conversation);
        var amira = await Counsellors.AddAsync(bot.Services, "amira@example.org");
        await Counsellors.ClaimAsync(bot.Services, reference, amira);
        Assert.IsType<CaseActionResult.Done>(await Counsellors.Actions(bot.Services).CloseAsync(reference, amira, "information_given", default));
        var queries = bot.Services.GetRequiredService<CaseQueries>();

        // The conversation goes after Conversations (2 s); the case, with its summary readable, stays.
        await WaitAsync(async () => (await Stored.TranscriptAsync(bot.Services, conversation)).Count == 0);
        Assert.Empty(await Stored.TranscriptAsync(bot.Services, conversation));
        Assert.Null(await Stored.StateAsync(bot.Services, conversation));
        var export = await queries.ExportAsync(reference, null, null, default);
        Assert.Equal("de", export!.Value.GetProperty("summary").GetProperty("programme").GetString());
        Assert.Equal(0, export.Value.GetProperty("transcriptExcerpt").GetArrayLength());

        // After ClosedCases (5 s) the case, its history and the key that opened its summary are gone.
        await WaitAsync(async () => await queries.ExportAsync(reference, null, null, default) is null && !await ExistsAsync(bot, conversation));
        Assert.Null(await queries.ExportAsync(reference, null, null, default));
        Assert.False(await ExistsAsync(bot, conversation));
        await using var db = await Db(bot);
        Assert.Equal(0, await db.Set<CaseEventRecord>().CountAsync());
    }

    [Fact]
    public async Task Audit_entries_and_dedupe_keys_expire_on_their_own_schedule()
    {
        using var bot = new BotFactory().With("Privacy:Retention:Audit", "1.00:00:00").With("Privacy:Retention:DedupeKeys", "1.00:00:00");
        bot.CreateClient().Dispose();
        await using (var db = await Db(bot))
        {
            var longAgo = DateTimeOffset.UtcNow.AddDays(-3).ToUnixTimeMilliseconds();
            db.AuditLog.Add(new AuditRecord { At = longAgo, Actor = "someone", Action = "old.thing", Target = "t" });
            db.AuditLog.Add(new AuditRecord { At = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Actor = "someone", Action = "new.thing", Target = "t" });
            db.Inbox.Add(new InboxRecord { Channel = "whatsapp", ExternalId = "#old", ConversationId = "", ReceivedAt = longAgo, Status = InboxStatus.Processed });
            await db.SaveChangesAsync();
        }

        var result = await bot.Services.GetRequiredService<RetentionSweep>().RunOnceAsync(int.MaxValue, default);

        Assert.Equal(1, result!.AuditEntries);
        Assert.Equal(1, result.DedupeKeys);
        await using var check = await Db(bot);
        Assert.Equal(["new.thing"], await check.AuditLog.Where(a => a.Actor == "someone").Select(a => a.Action).ToListAsync());
    }

    private static async Task<string> ConversationAsync(HttpClient http, params string[] texts)
    {
        var client = await DirectLineClient.StartAsync(http);
        foreach (var text in texts)
        {
            (await client.PostActivityAsync(text)).EnsureSuccessStatusCode();
        }

        return client.ConversationId!;
    }

    private static async Task<bool> ExistsAsync(BotFactory bot, string conversationId)
    {
        await using var db = await Db(bot);
        return await db.Conversations.AnyAsync(c => c.Id == conversationId);
    }

    private static Task<AvrrDbContext> Db(BotFactory bot) => bot.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();

    /// <summary>Waits for the sweep (bounded: 15 s).</summary>
    private static async Task WaitAsync(Func<Task<bool>> done)
    {
        for (var i = 0; i < 150 && !await done(); i++)
        {
            await Task.Delay(100);
        }
    }
}
