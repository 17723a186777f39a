using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Avrr.Bot.Console;
using Avrr.Bot.Persistence;
using Avrr.Bot.Tests.Infrastructure;
using Avrr.Knowledge;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Avrr.Bot.Tests.Cases;

/// <summary>
/// What happens to cases without a click: a claimed case nobody answers goes back to the queue, auto-assignment gives
/// waiting cases to counsellors who can take them, and the case webhook is delivered signed and retried. The clock is
/// fake: moving it wakes the real background loops; a run the test calls itself shows that nothing else is due.
/// </summary>
public sealed class CaseBackgroundTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly BotFactory _bot;

    public CaseBackgroundTests() => _bot = Bot();

    public void Dispose() => _bot.Dispose();

    private BotFactory Bot(params (string Key, string Value)[] settings)
    {
        // Hours pass on the fake clock: the person's web chat token must outlive them.
        var bot = new BotFactory { Time = _time }.With("Channels:DirectLine:TokenLifetimeSeconds", "86400");
        foreach (var (key, value) in settings)
        {
            bot.With(key, value);
        }

        return bot;
    }

    private static string S(BotFactory bot, string key, params (string Name, string Value)[] args) =>
        bot.Services.GetRequiredService<IKnowledgeSource>().Current.Said(key, "en", args.ToDictionary(a => a.Name, a => a.Value));

    private static async Task<CaseRecord> CaseAsync(BotFactory bot, string reference)
    {
        await using var db = await bot.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
        return await db.Cases.AsNoTracking().SingleAsync(c => c.Reference == reference);
    }

    [Fact]
    public async Task A_claimed_case_nobody_answers_within_ReassignAfter_goes_back_to_the_queue_and_the_person_is_told()
    {
        var (waiting, unanswered) = await WebChatPerson.AsksForACounsellorAsync(_bot);
        var (helped, answered) = await WebChatPerson.AsksForACounsellorAsync(_bot);
        var amira = await Counsellors.AddAsync(_bot.Services, "amira@example.org");
        await Counsellors.ClaimAsync(_bot.Services, unanswered, amira);
        await Counsellors.ClaimAsync(_bot.Services, answered, amira);
        Assert.IsType<CaseActionResult.Done>(await Counsellors.SendAsync(_bot.Services, answered, amira, "I am here."));
        await waiting.ReadAsync();
        await helped.ReadAsync();
        var assigner = _bot.Services.GetRequiredService<CaseAssigner>();

        _time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal((0, 0), await assigner.RunOnceAsync(default));
        _time.Advance(TimeSpan.FromMinutes(2));

        var released = await EventuallyAsync(() => CaseAsync(_bot, unanswered), c => c.Assignee is null);
        Assert.Equal(CaseState.Open, released.Status);
        Assert.Contains(S(_bot, "case.left"), await waiting.ReadAsync(), StringComparison.Ordinal);
        Assert.Equal(amira.UserId, (await CaseAsync(_bot, answered)).Assignee);
        Assert.Equal("", await helped.ReadAsync());
        await using var db = await _bot.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
        Assert.Equal(ConversationOwner.Queued, (await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == waiting.ConversationId)).Owner);
        Assert.Contains(await db.Set<CaseEventRecord>().Where(e => e.CaseId == released.Id).Select(e => e.Kind).ToListAsync(), k => k == "released");
    }

    [Fact]
    public async Task Auto_assignment_gives_urgent_then_oldest_cases_to_available_counsellors_who_speak_the_language_under_capacity()
    {
        using var bot = Bot(("Console:AutoAssign", "true"));
        var (first, older) = await WebChatPerson.AsksForACounsellorAsync(bot);
        // Less than the assigner's interval, so only the runs this test calls assign.
        _time.Advance(TimeSpan.FromSeconds(1));
        var (second, urgent) = await WebChatPerson.AsksForACounsellorAsync(bot);
        await second.SaysAsync("they took my passport and force me to work");
        var directory = bot.Services.GetRequiredService<StaffDirectory>();
        var amira = await Counsellors.AddAsync(bot.Services, "amira@example.org");
        var jonas = await Counsellors.AddAsync(bot.Services, "jonas@example.org");
        var sara = await Counsellors.AddAsync(bot.Services, "sara@example.org");
        await directory.UpdateProfileAsync(amira.UserId, "Amira", ["en", "ar"], null, 1, default);
        await directory.UpdateProfileAsync(jonas.UserId, "Jonas", ["ar"], null, 5, default);
        await directory.UpdateProfileAsync(sara.UserId, "Sara", ["en"], null, 5, default);
        await directory.SetAvailableAsync(amira.UserId, true, default);
        await directory.SetAvailableAsync(jonas.UserId, true, default);
        var assigner = bot.Services.GetRequiredService<CaseAssigner>();

        // Amira takes one case, the urgent one though it is newer; Jonas does not speak English; Sara is away.
        Assert.Equal((0, 1), await assigner.RunOnceAsync(default));
        Assert.Equal(amira.UserId, (await CaseAsync(bot, urgent)).Assignee);
        Assert.Null((await CaseAsync(bot, older)).Assignee);
        Assert.Contains(S(bot, "case.joined", ("name", "Amira")), await second.ReadAsync(), StringComparison.Ordinal);

        await directory.SetAvailableAsync(sara.UserId, true, default);
        Assert.Equal((0, 1), await assigner.RunOnceAsync(default));
        Assert.Equal(sara.UserId, (await CaseAsync(bot, older)).Assignee);
        Assert.Contains(S(bot, "case.joined", ("name", "Sara")), await first.ReadAsync(), StringComparison.Ordinal);

        // A counsellor who closed the console long ago is not present, however available they said they were.
        var (_, third) = await WebChatPerson.AsksForACounsellorAsync(bot);
        _time.Advance(StaffDirectory.Presence + TimeSpan.FromMinutes(1));
        Assert.Equal((0, 0), await assigner.RunOnceAsync(default));
        Assert.Null((await CaseAsync(bot, third)).Assignee);
    }

    [Fact]
    public async Task The_case_webhook_is_signed_retried_until_the_receiver_takes_it_and_sent_again_on_close()
    {
        const string secret = "webhook-secret-0123456789";
        using var receiver = new WebhookReceiver(failFirst: 1);
        using var bot = Bot(("Cases:Webhook:Url", receiver.Url), ("Cases:Webhook:Secret", secret));
        var (_, reference) = await WebChatPerson.AsksForACounsellorAsync(bot);
        var relay = bot.Services.GetRequiredService<CaseWebhookRelay>();

        Assert.Equal(0, await relay.RunOnceAsync(default));
        Assert.Single(receiver.Received);
        Assert.Equal(0, await relay.RunOnceAsync(default));
        _time.Advance(CaseWebhookRelay.Backoff(0) + TimeSpan.FromSeconds(1));

        await EventuallyAsync(() => Task.FromResult(receiver.Received.Count), n => n == 2);
        Assert.Equal(0, await relay.RunOnceAsync(default));
        var (headers, body) = receiver.Received.Last();
        Assert.Equal(receiver.Received.First().Headers["X-Avrr-Delivery"], headers["X-Avrr-Delivery"]);
        Assert.Equal("case.opened", headers["X-Avrr-Event"]);
        Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)), headers["X-Avrr-Signature"]);
        var posted = JsonNode.Parse(body)!;
        Assert.Equal("case.opened", posted["event"]!.GetValue<string>());
        Assert.Equal(reference, posted["case"]!["reference"]!.GetValue<string>());
        Assert.Equal(CaseExport.SchemaVersion, posted["case"]!["schemaVersion"]!.GetValue<int>());

        var amira = await Counsellors.AddAsync(bot.Services, "amira@example.org");
        await Counsellors.ClaimAsync(bot.Services, reference, amira);
        Assert.IsType<CaseActionResult.Done>(await Counsellors.Actions(bot.Services).CloseAsync(reference, amira, "information_given", default));
        _time.Advance(TimeSpan.FromSeconds(3));
        await EventuallyAsync(() => Task.FromResult(receiver.Received.Count), n => n == 3);
        var closed = JsonNode.Parse(receiver.Received.Last().Body)!;
        Assert.Equal("case.closed", closed["event"]!.GetValue<string>());
        Assert.Equal("information_given", closed["case"]!["outcome"]!.GetValue<string>());
        Assert.Equal(0, await relay.RunOnceAsync(default));
        Assert.Equal(3, receiver.Received.Count);
    }

    /// <summary>Waits (bounded) for a background loop woken by the clock to have done its work.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        for (var i = 0; i < 200; i++)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The background work did not happen within 10 s.");
    }

    /// <summary>A receiver on 127.0.0.1 that answers 500 to its first requests, then 200, and keeps what it got.</summary>
    private sealed class WebhookReceiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly CancellationTokenSource _stop = new();
        private int _failuresLeft;

        public WebhookReceiver(int failFirst)
        {
            _failuresLeft = failFirst;
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port}/hook/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = ServeAsync();
        }

        public string Url { get; }

        public ConcurrentQueue<(Dictionary<string, string> Headers, byte[] Body)> Received { get; } = new();

        private async Task ServeAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
                Received.Enqueue((headers, body.ToArray()));
                context.Response.StatusCode = Interlocked.Decrement(ref _failuresLeft) >= 0 ? 500 : 200;
                context.Response.Close();
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Close();
            _stop.Dispose();
        }
    }
}
