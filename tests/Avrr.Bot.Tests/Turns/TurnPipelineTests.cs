using System.Text.Json.Nodes;
using Avrr.Bot.Persistence;
using Avrr.Bot.Tests.Infrastructure;
using Avrr.Bot.Turns;
using Avrr.Dialogs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Avrr.Bot.Tests.Turns;

public sealed class TurnPipelineTests : IDisposable
{
    private readonly BotFactory _factory = new() { Engine = new EchoEngine() };

    public TurnPipelineTests() => _factory.CreateClient().Dispose();

    public void Dispose() => _factory.Dispose();

    private TurnPipeline Pipeline => _factory.Services.GetRequiredService<TurnPipeline>();

    [Fact]
    public async Task A_duplicate_inbound_message_produces_one_turn()
    {
        var first = await Pipeline.ProcessAsync(Inbound.Message("c1", "m1", "hello"), default);
        var second = await Pipeline.ProcessAsync(Inbound.Message("c1", "m1", "hello"), default);

        Assert.Equal(TurnStatus.Processed, first.Status);
        Assert.Equal(TurnStatus.Duplicate, second.Status);
        await using var db = await Db();
        Assert.Equal(2, await db.Activities.CountAsync(a => a.ConversationId == "c1"));
        Assert.Equal("1", await Stored.StateAsync(_factory.Services, "c1"));
    }

    [Fact]
    public async Task Fifty_concurrent_messages_to_one_conversation_are_all_processed_in_order_without_lost_state()
    {
        var starts = new TaskCompletionSource();
        var turns = Enumerable.Range(0, 50).Select(async i =>
        {
            await starts.Task;
            return await Pipeline.ProcessAsync(Inbound.Message("busy", $"m{i}", $"message {i}"), default);
        }).ToList();
        starts.SetResult();
        var outcomes = await Task.WhenAll(turns);

        Assert.All(outcomes, o => Assert.Equal(TurnStatus.Processed, o.Status));
        await using var db = await Db();
        var conversation = await db.Conversations.SingleAsync(c => c.Id == "busy");
        Assert.Equal("50", await Stored.StateAsync(_factory.Services, "busy"));
        Assert.Equal(100, conversation.NextSeq);

        var log = _factory.Services.GetRequiredService<ActivityLog>();
        var transcript = await log.ReadAfterAsync("busy", -1, 200, default);
        Assert.Equal(100, transcript.Count);
        for (var turn = 0; turn < 50; turn++)
        {
            // Every reply follows its own message, and the turn counter rises by one each time: no interleaving.
            var inbound = JsonNode.Parse(transcript[2 * turn].Json)!;
            var reply = JsonNode.Parse(transcript[(2 * turn) + 1].Json)!;
            Assert.Equal($"echo {turn + 1}: {inbound["text"]}", reply["text"]!.GetValue<string>());
            Assert.Equal(inbound["id"]!.GetValue<string>(), reply["replyToId"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Different_conversations_do_not_share_state()
    {
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Pipeline.ProcessAsync(Inbound.Message($"conv{i % 4}", $"m{i}", "x"), default)));

        await using var db = await Db();
        foreach (var conversation in await db.Conversations.ToListAsync())
        {
            Assert.Equal("5", await Stored.StateAsync(_factory.Services, conversation.Id));
        }
    }

    [Fact]
    public async Task A_conversation_owned_by_a_counsellor_keeps_the_message_and_the_bot_stays_silent()
    {
        await Pipeline.ProcessAsync(Inbound.Message("owned", "m1", "hello"), default);
        await using (var db = await Db())
        {
            // A counsellor has the case: the case decides the owner, the conversation row follows it.
            db.Cases.Add(new CaseRecord { Reference = "AV-0WND", ConversationId = "owned", Channel = "directline", Reason = "test", Assignee = "someone", Version = 1 });
            await db.SaveChangesAsync();
            await db.Conversations.Where(c => c.Id == "owned").ExecuteUpdateAsync(s => s.SetProperty(c => c.Owner, ConversationOwner.Counsellor));
        }

        var outcome = await Pipeline.ProcessAsync(Inbound.Message("owned", "m2", "are you there?"), default);

        Assert.Equal(TurnStatus.HeldForCounsellor, outcome.Status);
        Assert.Empty(outcome.Outgoing);
        await using var check = await Db();
        Assert.Equal(3, await check.Activities.CountAsync(a => a.ConversationId == "owned"));
        Assert.Equal("2", await Stored.StateAsync(_factory.Services, "owned"));
    }

    [Fact]
    public async Task Acknowledged_messages_are_processed_by_the_inbox_worker_once_and_in_order_and_replies_wait_in_the_outbox()
    {
        var intake = _factory.Services.GetRequiredService<InboxIntake>();
        var first = await intake.AcceptAsync(Inbound.Push("+32470000001", "u1", "first"), default);
        var second = await intake.AcceptAsync(Inbound.Push("+32470000001", "u2", "second"), default);
        var again = await intake.AcceptAsync(Inbound.Push("+32470000001", "u1", "first"), default);

        Assert.True(first.IsNew);
        Assert.True(second.IsNew);
        Assert.False(again.IsNew);
        var conversationId = first.ConversationId;
        Assert.Equal(conversationId, second.ConversationId);
        Assert.Matches("^[0-9a-f]{32}$", conversationId);
        var log = _factory.Services.GetRequiredService<ActivityLog>();
        IReadOnlyList<LoggedActivity> transcript = [];
        for (var i = 0; i < 100 && transcript.Count < 4; i++)
        {
            await Task.Delay(50);
            transcript = await log.ReadAfterAsync(conversationId, -1, 10, default);
        }

        Assert.Equal(["first", "echo 1: first", "second", "echo 2: second"], transcript.Select(t => JsonNode.Parse(t.Json)!["text"]!.GetValue<string>()));
        await using var db = await Db();
        Assert.All(await db.Inbox.Where(i => i.ConversationId == conversationId).ToListAsync(), row =>
        {
            Assert.Equal(InboxStatus.Processed, row.Status);
            Assert.Null(row.Payload);
        });
        Assert.All(await db.Activities.Where(a => a.ConversationId == conversationId && a.Direction == ActivityDirection.Out).ToListAsync(), reply =>
        {
            // No push channel is configured under this name: the replies wait in the outbox, due.
            Assert.Equal(DeliveryStatus.Pending, reply.Delivery);
            Assert.NotNull(reply.NextAttemptAt);
        });
    }

    [Fact]
    public async Task Erasure_removes_earlier_transcript_and_the_case_in_the_same_turn()
    {
        var factory = new BotFactory { Engine = new SignalEngine() };
        try
        {
            factory.CreateClient().Dispose();
            var pipeline = factory.Services.GetRequiredService<TurnPipeline>();
            await pipeline.ProcessAsync(Inbound.Message("erase", "m1", "handoff"), default);
            await pipeline.ProcessAsync(Inbound.Message("erase", "m2", "erase"), default);

            await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
            Assert.Empty(await db.Cases.ToListAsync());
            Assert.Equal([3L, 4L], await db.Activities.Where(a => a.ConversationId == "erase").Select(a => a.Seq).OrderBy(s => s).ToListAsync());
        }
        finally
        {
            factory.Dispose();
        }
    }

    private Task<AvrrDbContext> Db() => _factory.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();

    private sealed class SignalEngine : IDialogEngine
    {
        public TurnResult Run(string? state, TurnInput input) => input.Text switch
        {
            "handoff" => new TurnResult("{}", [new Reply("a counsellor will write", [], "en", false)], [new HandoffRequested(HandoffUrgency.Normal, "asked", "{}")], true),
            "erase" => new TurnResult("{}", [new Reply("deleted", [], "en", false)], [new EraseRequested()], false),
            _ => new TurnResult("{}", [], [], true),
        };

        public TurnResult Notify(string? state, CaseNotice notice, ChannelCapabilities capabilities, DateTimeOffset now) =>
            new(state ?? "{}", [new Reply("notice " + EchoEngine.Describe(notice), [], "en", false)], [], true);
    }
}
