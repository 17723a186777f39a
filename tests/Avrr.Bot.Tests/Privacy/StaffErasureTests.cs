using System.Net;
using System.Text.RegularExpressions;
using Avrr.Bot.Activities;
using Avrr.Bot.Channels.WhatsApp;
using Avrr.Bot.Cli;
using Avrr.Bot.Persistence;
using Avrr.Bot.Tests.Infrastructure;
using Avrr.Bot.Turns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Avrr.Bot.Tests.Privacy;

/// <summary>A person asks staff (by phone, e-mail, at the desk) to delete their data: staff find and erase it.</summary>
public sealed partial class StaffErasureTests : IDisposable
{
    private const string Number = "32470556677";
    private readonly BotFactory _bot = new();

    public void Dispose() => _bot.Dispose();

    [Fact]
    public async Task An_admin_finds_a_person_by_the_number_as_they_give_it_and_erases_everything_without_naming_them_in_the_audit()
    {
        var conversationId = await PersonWritesAsync(Number, "hello, I am Yusuf");
        await StaffAccounts.AddAsync(_bot.Services, "admin@example.org");
        using var admin = _bot.CreateClient(new() { AllowAutoRedirect = false });
        await Admin.StaffSignInTests.SignInAsync(admin, "admin@example.org", StaffAccounts.Password);

        var (_, found) = await PostAsync(admin, "find", new() { ["channel"] = "whatsapp", ["address"] = "+32 470 55 66 77" });
        Assert.Contains(conversationId, found, StringComparison.Ordinal);
        Assert.DoesNotContain("Yusuf", found, StringComparison.Ordinal);

        var erased = await PostAsync(admin, "erase", new() { ["conversationId"] = conversationId, ["reason"] = "request by phone", ["confirm"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, erased.Status);

        await using var db = await _bot.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
        Assert.False(await db.Conversations.AnyAsync(c => c.Id == conversationId));
        Assert.False(await db.Activities.AnyAsync(a => a.ConversationId == conversationId));
        Assert.False(await db.Inbox.AnyAsync(i => i.ConversationId == conversationId));
        Assert.Null(await Stored.ConversationOfAsync(_bot.Services, "whatsapp", Number));
        var audit = await db.AuditLog.Where(a => a.Action.StartsWith("person.")).ToListAsync();
        Assert.Contains(audit, a => a.Action == "person.erase" && a.Actor == "admin@example.org" && a.Detail!.Contains("request by phone", StringComparison.Ordinal));
        Assert.Contains(audit, a => a.Action == "person.lookup");
        Assert.DoesNotContain(audit, a => $"{a.Target} {a.Detail}".Contains("470", StringComparison.Ordinal));

        // Asking again finds nothing.
        Assert.Contains("Nothing is kept for that person", (await PostAsync(admin, "find", new() { ["channel"] = "whatsapp", ["address"] = Number })).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_command_line_erases_by_number_and_says_so_without_repeating_it()
    {
        var conversationId = await PersonWritesAsync(Number, "hello");
        var output = new StringWriter();
        var error = new StringWriter();

        Assert.Equal(0, await PrivacyCommands.RunAsync(_bot.Services, ["privacy", "erase", "--whatsapp", "+32 470 55 66 77", "--reason", "letter of 1 Dec"], output, error));

        Assert.Contains($"Erased conversation {conversationId}", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Number, output.ToString(), StringComparison.Ordinal);
        Assert.Null(await Stored.ConversationOfAsync(_bot.Services, "whatsapp", Number));
        Assert.Equal(0, await PrivacyCommands.RunAsync(_bot.Services, ["privacy", "erase", "--whatsapp", Number], output, error));
        Assert.Contains("nothing to erase", output.ToString(), StringComparison.Ordinal);
    }

    private async Task<string> PersonWritesAsync(string number, string text)
    {
        var intake = _bot.Services.GetRequiredService<InboxIntake>();
        var activity = new Activity { Type = ActivityTypes.Message, Text = text, From = new ChannelAccount { Id = "person", Role = RoleTypes.User } };
        var accepted = await intake.AcceptAsync(new PushMessage(WhatsAppSender.ChannelName, number, "wamid." + Guid.NewGuid().ToString("N"), activity, WhatsAppWebhook.Capabilities), default);
        for (var i = 0; i < 100 && (await Stored.TranscriptAsync(_bot.Services, accepted.ConversationId)).Count == 0; i++)
        {
            await Task.Delay(50);
        }

        return accepted.ConversationId;
    }

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(HttpClient client, string handler, Dictionary<string, string> form)
    {
        var page = await client.GetStringAsync(new Uri("/admin/privacy", UriKind.Relative));
        form["__RequestVerificationToken"] = AntiforgeryField().Match(page).Groups[1].Value;
        var response = await client.PostAsync(new Uri($"/admin/privacy?handler={handler}", UriKind.Relative), new FormUrlEncodedContent(form));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
