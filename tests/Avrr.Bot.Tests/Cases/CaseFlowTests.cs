using System.Net;
using System.Net.Http.Json;
using Avrr.Bot.Console;
using Avrr.Bot.Persistence;
using Avrr.Bot.Staff;
using Avrr.Bot.Tests.Infrastructure;
using Avrr.Knowledge;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Avrr.Bot.Tests.Cases;

/// <summary>
/// The case from hand-off to close through the real host: the intake engine, the turn pipeline, the console API and
/// its rules. The person is in web chat (Direct Line); staff use the API as the console page does.
/// </summary>
public sealed class CaseFlowTests : IDisposable
{
    private readonly BotFactory _bot = new();

    public void Dispose() => _bot.Dispose();

    private IKnowledgeSnapshot Content => _bot.Services.GetRequiredService<IKnowledgeSource>().Current;

    private string S(string key, params (string Name, string Value)[] args) => Content.Said(key, "en", args.ToDictionary(a => a.Name, a => a.Value));

    private async Task<(WebChatPerson Person, string Reference)> PersonAsksForACounsellorAsync()
    {
        var person = await WebChatPerson.StartAsync(_bot.CreateClient());
        await person.SaysAsync("hello");
        await person.SaysAsync("English");
        Assert.Contains(S("menu.prompt"), await person.SaysAsync("yes"), StringComparison.Ordinal);
        var queued = await person.SaysAsync("counsellor");
        var reference = await Counsellors.OpenCaseAsync(_bot.Services, person.ConversationId);
        Assert.Contains(S("case.queued", ("reference", reference)), queued, StringComparison.Ordinal);
        Assert.Contains(S("case.until_then"), queued, StringComparison.Ordinal);
        return (person, reference);
    }

    private async Task<AvrrDbContext> DbAsync() => await _bot.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();

    [Fact]
    public async Task A_hand_off_opens_one_case_and_asking_again_only_repeats_the_reference()
    {
        var (person, reference) = await PersonAsksForACounsellorAsync();

        Assert.Contains(S("case.already", ("reference", reference)), await person.SaysAsync("counsellor"), StringComparison.Ordinal);
        // While queued the bot answers nothing else: the message waits for the counsellor.
        Assert.Equal("", await person.SaysAsync("how long does it take?"));

        await using var db = await DbAsync();
        var opened = await db.Cases.SingleAsync();
        Assert.Equal(CaseState.Open, opened.Status);
        Assert.Equal("en", opened.Language);
        Assert.NotNull(opened.LastInboundAt);
        Assert.Equal(ConversationOwner.Queued, (await db.Conversations.SingleAsync()).Owner);
        Assert.Equal(["opened"], await db.Set<CaseEventRecord>().Select(e => e.Kind).ToListAsync());
    }

    [Fact]
    public async Task A_disclosure_while_queued_escalates_the_open_case_instead_of_adding_one()
    {
        var (person, reference) = await PersonAsksForACounsellorAsync();

        var reply = await person.SaysAsync("he hits me");

        Assert.Contains(S("safeguarding.generic_emergency"), reply, StringComparison.Ordinal);
        await using var db = await DbAsync();
        var escalated = await db.Cases.SingleAsync();
        Assert.Equal(reference, escalated.Reference);
        Assert.Equal(2, escalated.Urgency);
        Assert.Contains("escalated", await db.Set<CaseEventRecord>().Select(e => e.Kind).ToListAsync());
    }

    [Fact]
    public async Task Claim_is_exclusive_and_the_loser_is_told_who_has_the_case()
    {
        var (person, reference) = await PersonAsksForACounsellorAsync();
        var amira = await Counsellors.AddAsync(_bot.Services, "amira@example.org");
        var jonas = await Counsellors.AddAsync(_bot.Services, "jonas@example.org");
        using var jonasConsole = await ConsoleClient.SignInAsync(_bot, "jonas@example.org");

        await Counsellors.ClaimAsync(_bot.Services, reference, amira);
        var lost = await jonasConsole.PostAsync($"/cases/{reference}/claim");

        Assert.Equal(HttpStatusCode.Conflict, lost.StatusCode);
        Assert.Contains("Amira", await lost.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(S("case.joined", ("name", "Amira")), await person.ReadAsync(), StringComparison.Ordinal);
        _ = jonas;
    }

    [Fact]
    public async Task Counsellor_B_cannot_open_As_case_until_a_supervisor_transfers_it()
    {
        var (person, reference) = await PersonAsksForACounsellorAsync();
        var amira = await Counsellors.AddAsync(_bot.Services, "amira@example.org");
        var jonas = await Counsellors.AddAsync(_bot.Services, "jonas@example.org");
        await Counsellors.AddAsync(_bot.Services, "sara@example.org", StaffRoles.Supervisor);
        using var jonasConsole = await ConsoleClient.SignInAsync(_bot, "jonas@example.org");
        using var amiraConsole = await ConsoleClient.SignInAsync(_bot, "amira@example.org");
        using var supervisor = await ConsoleClient.SignInAsync(_bot, "sara@example.org");
        // Before anyone claims, every counsellor may read the waiting case.
        Assert.Equal(HttpStatusCode.OK, (await jonasConsole.GetAsync($"/cases/{reference}")).StatusCode);

        await Counsellors.ClaimAsync(_bot.Services, reference, amira);
        Assert.Equal(HttpStatusCode.Forbidden, (await jonasConsole.GetAsync($"/cases/{reference}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await jonasConsole.GetAsync($"/cases/{reference}/transcript")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await jonasConsole.GetAsync($"/cases/{reference}/export")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await jonasConsole.PostAsync($"/cases/{reference}/messages", new { text = "hi" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await jonasConsole.PostAsync($"/cases/{reference}/transfer", new { to = jonas.UserId })).StatusCode);
        Assert.DoesNotContain(reference, await (await jonasConsole.GetAsync("/queue")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await supervisor.PostAsync($"/cases/{reference}/transfer", new { to = jonas.UserId })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await jonasConsole.GetAsync($"/cases/{reference}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await amiraConsole.GetAsync($"/cases/{reference}")).StatusCode);
        Assert.Contains(S("case.transferred", ("name", "Jonas")), await person.ReadAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_owner_speaks_notes_never_reach_the_person_and_a_hand_back_resumes_at_the_menu()
    {
        var (person, reference) = await PersonAsksForACounsellorAsync();
        await Counsellors.AddAsync(_bot.Services, "amira@example.org");
        using var amira = await ConsoleClient.SignInAsync(_bot, "amira@example.org");

        Assert.Equal(HttpStatusCode.OK, (await amira.PostAsync($"/cases/{reference}/claim")).StatusCode);
        var view = await amira.GetJsonAsync($"/cases/{reference}");
        Assert.Equal("with_counsellor", view["status"]!.GetValue<string>());
        Assert.True(view["canSpeak"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, (await amira.PostAsync($"/cases/{reference}/messages", new { text = "Hello, I am Amira. How can I help?" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await amira.PostAsync($"/cases/{reference}/notes", new { text = "PRIVATE: check the Fedasil appointment" })).StatusCode);

        var heard = await person.ReadAsync();
        Assert.Contains(S("case.joined", ("name", "Amira")), heard, StringComparison.Ordinal);
        Assert.Contains("Hello, I am Amira. How can I help?", heard, StringComparison.Ordinal);
        // The bot stays silent on the person's next message, which the counsellor reads.
        Assert.Equal("", await person.SaysAsync("I lost my passport"));
        var transcript = await amira.GetJsonAsync($"/cases/{reference}");
        Assert.Contains("I lost my passport", transcript["transcript"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("PRIVATE", transcript["notes"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE", await person.AllAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await amira.PostAsync($"/cases/{reference}/handback", new { resumeAt = "menu" })).StatusCode);
        var back = await person.ReadAsync();
        Assert.Contains(S("case.handed_back"), back, StringComparison.Ordinal);
        Assert.Contains(S("menu.prompt"), back, StringComparison.Ordinal);
        Assert.Contains(S("learn.prompt"), await person.SaysAsync("1"), StringComparison.Ordinal);

        await using var db = await DbAsync();
        var closed = await db.Cases.SingleAsync();
        Assert.Equal(CaseState.Closed, closed.Status);
        Assert.Equal("handed_back", closed.Outcome);
        Assert.NotNull(closed.FirstResponseAt);
        Assert.Equal(ConversationOwner.Bot, (await db.Conversations.SingleAsync()).Owner);
        Assert.DoesNotContain("PRIVATE", await person.AllAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Closing_needs_an_outcome_from_content_tells_the_person_and_gives_the_conversation_back_to_the_bot()
    {
        var (person, reference) = await PersonAsksForACounsellorAsync();
        await Counsellors.AddAsync(_bot.Services, "amira@example.org");
        using var amira = await ConsoleClient.SignInAsync(_bot, "amira@example.org");
        Assert.Equal(HttpStatusCode.OK, (await amira.PostAsync($"/cases/{reference}/claim")).StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await amira.PostAsync($"/cases/{reference}/close", new { outcome = "made_up" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await amira.PostAsync($"/cases/{reference}/close", new { outcome = "information_given" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await amira.PostAsync($"/cases/{reference}/messages", new { text = "one more" })).StatusCode);

        Assert.Contains(S("case.closed", ("reference", reference)), await person.ReadAsync(), StringComparison.Ordinal);
        Assert.Contains(S("learn.prompt"), await person.SaysAsync("1"), StringComparison.Ordinal);
        var view = await amira.GetJsonAsync($"/cases/{reference}");
        Assert.Equal("closed", view["status"]!.GetValue<string>());
        Assert.Equal("information_given", view["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task Stop_and_delete_my_data_work_while_a_counsellor_owns_the_chat_and_a_disclosure_raises_an_alert()
    {
        var (person, reference) = await PersonAsksForACounsellorAsync();
        await Counsellors.AddAsync(_bot.Services, "amira@example.org");
        using var amira = await ConsoleClient.SignInAsync(_bot, "amira@example.org");
        Assert.Equal(HttpStatusCode.OK, (await amira.PostAsync($"/cases/{reference}/claim")).StatusCode);
        await person.ReadAsync();
        await using var live = await amira.ConnectLiveAsync(_bot);
        var alerts = new System.Collections.Concurrent.ConcurrentQueue<string>();
        live.On<string>("urgent", alerts.Enqueue);

        // A disclosure: the safety contacts at once, the case becomes urgent, and the console is told to alert.
        Assert.Contains(S("safeguarding.generic_emergency"), await person.SaysAsync("they took my passport and force me to work"), StringComparison.Ordinal);
        await using (var db = await DbAsync())
        {
            Assert.Equal(2, (await db.Cases.SingleAsync()).Urgency);
        }

        for (var i = 0; i < 100 && alerts.IsEmpty; i++)
        {
            await Task.Delay(50);
        }

        Assert.Contains(reference, alerts);

        Assert.Contains(S("stop.confirm"), await person.SaysAsync("stop"), StringComparison.Ordinal);
        var refused = await amira.PostAsync($"/cases/{reference}/messages", new { text = "Are you safe?" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("stop", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal("", await person.SaysAsync("I am back"));
        Assert.Equal(HttpStatusCode.OK, (await amira.PostAsync($"/cases/{reference}/messages", new { text = "Are you safe?" })).StatusCode);
        Assert.Contains(S("data.delete_confirm"), await person.SaysAsync("delete my data"), StringComparison.Ordinal);
        Assert.Contains(S("data.deleted"), await person.SaysAsync("yes"), StringComparison.Ordinal);

        await using var after = await DbAsync();
        Assert.Empty(await after.Cases.ToListAsync());
        Assert.Empty(await after.Set<CaseNoteRecord>().ToListAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await amira.GetAsync($"/cases/{reference}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await amira.PostAsync($"/cases/{reference}/messages", new { text = "hello?" })).StatusCode);
    }

    [Fact]
    public async Task Every_staff_read_and_send_writes_exactly_one_audit_entry()
    {
        var (_, reference) = await PersonAsksForACounsellorAsync();
        var jonas = await Counsellors.AddAsync(_bot.Services, "jonas@example.org");
        await Counsellors.AddAsync(_bot.Services, "amira@example.org");
        using var amira = await ConsoleClient.SignInAsync(_bot, "amira@example.org");

        async Task OneEntry(string action, Func<Task<HttpResponseMessage>> call)
        {
            await using var db = await DbAsync();
            var before = await db.AuditLog.CountAsync();
            var response = await call();
            Assert.True(response.IsSuccessStatusCode, $"{action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var added = await db.AuditLog.OrderBy(a => a.Id).Skip(before).ToListAsync();
            var entry = Assert.Single(added);
            Assert.Equal(action, entry.Action);
            Assert.Equal("amira@example.org", entry.Actor);
            Assert.Equal(reference, entry.Target);
        }

        await OneEntry("case.read", () => amira.GetAsync($"/cases/{reference}"));
        await OneEntry("case.claim", () => amira.PostAsync($"/cases/{reference}/claim"));
        await OneEntry("case.transcript.read", () => amira.GetAsync($"/cases/{reference}/transcript?after=2"));
        await OneEntry("case.export", () => amira.GetAsync($"/cases/{reference}/export"));
        await OneEntry("case.message", () => amira.PostAsync($"/cases/{reference}/messages", new { text = "Hello" }));
        await OneEntry("case.note", () => amira.PostAsync($"/cases/{reference}/notes", new { text = "a note" }));
        await OneEntry("case.transfer", () => amira.PostAsync($"/cases/{reference}/transfer", new { to = jonas.UserId }));
        using var jonasConsole = await ConsoleClient.SignInAsync(_bot, "jonas@example.org");
        await using (var db = await DbAsync())
        {
            var before = await db.AuditLog.CountAsync();
            Assert.Equal(HttpStatusCode.OK, (await jonasConsole.PostAsync($"/cases/{reference}/close", new { outcome = "information_given" })).StatusCode);
            Assert.Equal("case.close", Assert.Single(await db.AuditLog.OrderBy(a => a.Id).Skip(before).ToListAsync()).Action);
        }

        // A refused read shows nothing.
        Assert.Equal(HttpStatusCode.Forbidden, (await amira.GetAsync($"/cases/{reference}")).StatusCode);
    }

    [Fact]
    public async Task The_export_is_versioned_with_labels_the_persons_words_and_an_excerpt()
    {
        var person = await WebChatPerson.StartAsync(_bot.CreateClient());
        await person.SaysAsync("hello");
        await person.SaysAsync("English");
        await person.SaysAsync("yes");
        await person.SaysAsync("2");
        await person.SaysAsync("Germany");
        await person.SaysAsync("my asylum claim was rejected");
        await person.SaysAsync("counsellor");
        var reference = await Counsellors.OpenCaseAsync(_bot.Services, person.ConversationId);
        await Counsellors.AddAsync(_bot.Services, "amira@example.org");
        using var amira = await ConsoleClient.SignInAsync(_bot, "amira@example.org");

        var export = await amira.GetJsonAsync($"/cases/{reference}/export");

        Assert.Equal(CaseExport.SchemaVersion, export["schemaVersion"]!.GetValue<int>());
        Assert.Equal("avrr.case", export["type"]!.GetValue<string>());
        Assert.Equal(reference, export["reference"]!.GetValue<string>());
        Assert.Equal("de", export["programme"]!.GetValue<string>());
        Assert.True(export["consent"]!["given"]!.GetValue<bool>());
        var answers = export["answers"]!.AsArray();
        Assert.Contains(answers, a => a!["question"]!.GetValue<string>() == "host_country" && a["answerLabel"]!.GetValue<string>() == S("country.DE"));
        Assert.NotEmpty(export["transcriptExcerpt"]!.AsArray());
        Assert.Equal(2, export["summary"]!["schemaVersion"]!.GetValue<int>());
        Assert.Contains(export["events"]!.AsArray(), e => e!["kind"]!.GetValue<string>() == "opened");
    }

    [Fact]
    public async Task Supervisors_filter_the_audit_and_export_it_as_csv_and_the_console_api_is_described_by_openapi()
    {
        var (_, reference) = await PersonAsksForACounsellorAsync();
        var amira = await Counsellors.AddAsync(_bot.Services, "amira@example.org");
        await Counsellors.AddAsync(_bot.Services, "sara@example.org", StaffRoles.Supervisor);
        await Counsellors.ClaimAsync(_bot.Services, reference, amira);
        Assert.IsType<CaseActionResult.Done>(await Counsellors.Actions(_bot.Services).NoteAsync(reference, amira, "=HYPERLINK(\"http://x\")", default));
        using var supervisor = await ConsoleClient.SignInAsync(_bot, "sara@example.org");
        using var counsellor = await ConsoleClient.SignInAsync(_bot, "amira@example.org");

        var page = await supervisor.Http.GetStringAsync(new Uri("/audit?action=case.claim", UriKind.Relative));
        Assert.Contains(reference, page, StringComparison.Ordinal);
        Assert.DoesNotContain("case.note", page, StringComparison.Ordinal);

        var csv = await supervisor.Http.GetAsync(new Uri($"/audit?handler=csv&target={reference}", UriKind.Relative));
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("at_utc,actor,action,target,detail", lines[0]);
        Assert.Contains(lines, l => l.Contains(",amira@example.org,case.claim," + reference, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(",amira@example.org,case.note," + reference, StringComparison.Ordinal));
        await using (var db = await DbAsync())
        {
            Assert.Equal(1, await db.AuditLog.CountAsync(a => a.Action == "audit.export" && a.Actor == "sara@example.org"));
        }

        // Counsellors do not read the audit trail.
        var refused = await counsellor.Http.GetAsync(new Uri("/audit", UriKind.Relative));
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);

        var openApi = await supervisor.Http.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>(new Uri("/api/console/openapi.json", UriKind.Relative));
        var paths = openApi!["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/console/cases/{reference}/claim", paths);
        Assert.Contains("/api/console/cases/{reference}/messages", paths);
        Assert.Contains("/api/console/queue", paths);
    }
}
