using System.Net;
using Avrr.Bot.Persistence;
using Avrr.Bot.Privacy;
using Avrr.Bot.Tests.Infrastructure;
using Avrr.Bot.Turns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Avrr.Bot.Tests.Admin;

/// <summary>
/// Questions without an answer are counted by language and nearest topic for administrators; the words only with the
/// person's consent, sealed, shown on request with an audit entry, and gone with the person's data.
/// </summary>
public sealed class UnansweredQuestionsTests : IDisposable
{
    private const string Question = "where can I buy a cheap phone charger";
    private readonly BotFactory _bot = new();

    public void Dispose() => _bot.Dispose();

    private async Task<string> AskAsync(string consent, string question)
    {
        using var http = _bot.CreateClient();
        var client = await DirectLineClient.StartAsync(http);
        foreach (var text in new[] { "hello", "English", consent, question })
        {
            (await client.PostActivityAsync(text)).EnsureSuccessStatusCode();
        }

        return client.ConversationId!;
    }

    private async Task<List<UnansweredQuestionRecord>> RowsAsync()
    {
        await using var db = await _bot.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
        return await db.Set<UnansweredQuestionRecord>().OrderBy(r => r.Id).ToListAsync();
    }

    [Fact]
    public async Task A_question_without_an_answer_is_counted_and_its_words_kept_only_with_consent()
    {
        var agreed = await AskAsync("yes", Question);
        var declined = await AskAsync("no", "what time does the football match start tonight");
        await AskAsync("yes", "who buys the plane ticket for me");

        var rows = await RowsAsync();

        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal("en", r.Language));
        Assert.Equal(agreed, rows[0].ConversationId);
        Assert.NotNull(rows[0].Seq);
        Assert.Null(rows[1].ConversationId);
        Assert.Null(rows[1].Seq);
        Assert.NotEqual(declined, rows[1].ConversationId);
        Assert.InRange(rows[0].Day, UnansweredQuestions.DayOf(TimeProvider.System.GetUtcNow()) - 1, UnansweredQuestions.DayOf(TimeProvider.System.GetUtcNow()));

        // The words themselves are where the person's messages are: sealed with their key, never in this table.
        var texts = await _bot.Services.GetRequiredService<UnansweredQuestions>().TextsAsync(30, 50, default);
        Assert.Equal(Question, Assert.Single(texts).Text);
    }

    [Fact]
    public async Task Erasing_the_person_takes_the_words_and_leaves_the_count()
    {
        var conversationId = await AskAsync("yes", Question);

        Assert.True(await _bot.Services.GetRequiredService<PersonalDataStore>().EraseAsync(conversationId, "admin@example.org", "request by phone", null, default));

        var row = Assert.Single(await RowsAsync());
        Assert.Null(row.ConversationId);
        Assert.Null(row.Seq);
        var questions = _bot.Services.GetRequiredService<UnansweredQuestions>();
        Assert.Empty(await questions.TextsAsync(30, 50, default));
        Assert.Equal(1, Assert.Single(await questions.CountsAsync(30, default)).Count);
    }

    [Fact]
    public async Task An_admin_reads_the_counts_and_on_request_the_kept_words_which_is_audited()
    {
        await AskAsync("yes", Question);
        await StaffAccounts.AddAsync(_bot.Services, "admin@example.org");
        using var admin = _bot.CreateClient(new() { AllowAutoRedirect = false });
        await StaffSignInTests.SignInAsync(admin, "admin@example.org", StaffAccounts.Password);

        var page = await admin.GetStringAsync(new Uri("/admin/questions", UriKind.Relative));
        Assert.Contains("id=\"counts\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain(Question, page, StringComparison.Ordinal);

        var words = await admin.GetStringAsync(new Uri("/admin/questions?days=30&words=true", UriKind.Relative));
        Assert.Contains(Question, words, StringComparison.Ordinal);

        await using var db = await _bot.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
        Assert.Contains(await db.AuditLog.ToListAsync(), a => a.Action == "unanswered.read" && a.Actor == "admin@example.org");
    }

    [Fact]
    public async Task A_counsellor_cannot_open_the_page()
    {
        await StaffAccounts.AddAsync(_bot.Services, "counsellor@example.org", Avrr.Bot.Staff.StaffRoles.Counsellor);
        using var counsellor = _bot.CreateClient(new() { AllowAutoRedirect = false });
        await StaffSignInTests.SignInAsync(counsellor, "counsellor@example.org", StaffAccounts.Password);

        var response = await counsellor.GetAsync(new Uri("/admin/questions?words=true", UriKind.Relative));

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }
}
