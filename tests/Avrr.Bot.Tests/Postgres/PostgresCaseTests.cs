using System.Net.WebSockets;
using System.Text;
using Avrr.Bot.Console;
using Avrr.Bot.Persistence;
using Avrr.Bot.Tests.Cases;
using Avrr.Bot.Tests.Infrastructure;
using Avrr.Knowledge;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Avrr.Bot.Tests.Postgres;

/// <summary>
/// Two instances of the real host on one PostgreSQL behave as one for counsellors: a reply written on one instance
/// reaches a web-chat stream held by the other through <c>pg_notify</c>, a claim has one winner across instances,
/// and a claim racing the person's own turn loses neither.
/// </summary>
[Collection(PostgresServerGroup.Name)]
public sealed class PostgresCaseTests(PostgresServer server)
{
    private static BotFactory Instance(string database)
    {
        var factory = new BotFactory().With("Storage:Provider", "Postgres").With("ConnectionStrings:Avrr", database);
        factory.CreateClient().Dispose();
        return factory;
    }

    private static string S(BotFactory bot, string key, params (string Name, string Value)[] args) =>
        bot.Services.GetRequiredService<IKnowledgeSource>().Current.Said(key, "en", args.ToDictionary(a => a.Name, a => a.Value));

    [PostgresFact]
    public async Task A_counsellor_on_instance_B_answers_a_web_chat_stream_held_by_instance_A_without_a_reconnect()
    {
        var database = await server.CreateDatabaseAsync();
        using var a = Instance(database);
        using var b = Instance(database);
        var (person, reference) = await WebChatPerson.AsksForACounsellorAsync(a);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var stream = await a.Server.CreateWebSocketClient().ConnectAsync(new Uri(person.StreamUrl), timeout.Token);

        var amira = await Counsellors.AddAsync(b.Services, "amira@example.org");
        await Counsellors.ClaimAsync(b.Services, reference, amira);
        Assert.IsType<CaseActionResult.Done>(await Counsellors.SendAsync(b.Services, reference, amira, "Hello from instance B"));

        // Frames are read from the one socket opened before the reply was written: no reconnect, no polling.
        var received = new StringBuilder();
        var buffer = new byte[64 * 1024];
        while (!received.ToString().Contains("Hello from instance B", StringComparison.Ordinal))
        {
            var frame = await stream.ReceiveAsync(buffer, timeout.Token);
            Assert.Equal(WebSocketMessageType.Text, frame.MessageType);
            received.Append(Encoding.UTF8.GetString(buffer, 0, frame.Count));
        }

        Assert.Contains(S(a, "case.joined", ("name", "Amira")), received.ToString(), StringComparison.Ordinal);
        await stream.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }

    [PostgresFact]
    public async Task Twenty_parallel_claims_across_two_instances_have_one_winner()
    {
        var database = await server.CreateDatabaseAsync();
        using var a = Instance(database);
        using var b = Instance(database);
        var (person, reference) = await WebChatPerson.AsksForACounsellorAsync(a);
        var staff = new List<(BotFactory Instance, StaffMember Member)>();
        for (var i = 0; i < 20; i++)
        {
            var instance = i % 2 == 0 ? a : b;
            staff.Add((instance, await Counsellors.AddAsync(instance.Services, $"counsellor{i}@example.org")));
        }

        using var start = new ManualResetEventSlim();
        var claims = staff.Select(s => Task.Run(async () =>
        {
            start.Wait();
            return (s.Member, Result: await Counsellors.Actions(s.Instance.Services).ClaimAsync(reference, s.Member, default));
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(claims);

        var winner = Assert.Single(results, r => r.Result is CaseActionResult.Done).Member;
        Assert.All(results.Where(r => r.Member != winner), r => Assert.Contains(winner.DisplayName, Assert.IsType<CaseActionResult.Conflict>(r.Result).Message, StringComparison.Ordinal));
        await using var db = await a.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
        var claimed = await db.Cases.SingleAsync();
        Assert.Equal(winner.UserId, claimed.Assignee);
        Assert.Equal(1, await db.Set<CaseEventRecord>().CountAsync(e => e.Kind == "claimed"));
        // The person was told once that a counsellor joined.
        var heard = await person.ReadAsync();
        Assert.Single(heard.Split(S(a, "case.joined", ("name", winner.DisplayName))).Skip(1));
    }

    [PostgresFact]
    public async Task A_claim_racing_a_safeguarding_turn_on_the_other_instance_loses_no_update()
    {
        var database = await server.CreateDatabaseAsync();
        using var a = Instance(database);
        using var b = Instance(database);
        var amira = await Counsellors.AddAsync(b.Services, "amira@example.org");

        for (var round = 0; round < 5; round++)
        {
            var (person, reference) = await WebChatPerson.AsksForACounsellorAsync(a);
            await person.ReadAsync();

            var disclosure = person.SaysAsync("they took my passport and force me to work");
            var claim = Counsellors.Actions(b.Services).ClaimAsync(reference, amira, default);
            await Task.WhenAll(disclosure, claim);

            Assert.IsType<CaseActionResult.Done>(await claim);
            var heard = await disclosure + "\n" + await person.ReadAsync();
            Assert.Contains(S(a, "safeguarding.generic_emergency"), heard, StringComparison.Ordinal);
            Assert.Contains(S(a, "case.joined", ("name", "Amira")), heard, StringComparison.Ordinal);
            await using var db = await a.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
            var raced = await db.Cases.AsNoTracking().SingleAsync(c => c.Reference == reference);
            Assert.Equal(2, raced.Urgency);
            Assert.Equal(amira.UserId, raced.Assignee);
            Assert.Equal(ConversationOwner.Counsellor, (await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == person.ConversationId)).Owner);
            var kinds = await db.Set<CaseEventRecord>().Where(e => e.CaseId == raced.Id).Select(e => e.Kind).ToListAsync();
            Assert.Contains("escalated", kinds);
            Assert.Contains("claimed", kinds);
        }
    }
}
