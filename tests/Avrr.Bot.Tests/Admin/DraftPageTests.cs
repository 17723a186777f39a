using System.Net;
using System.Text.RegularExpressions;
using Avrr.Bot.Knowledge;
using Avrr.Bot.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Avrr.Bot.Tests.Admin;

/// <summary>The draft page over HTTP: any file can be opened, created, saved with its problems listed, and deleted.</summary>
public sealed partial class DraftPageTests : IDisposable
{
    private readonly BotFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task A_new_file_is_created_its_problems_are_listed_and_it_can_be_deleted_again()
    {
        await StaffAccounts.AddAsync(_factory.Services, "admin@example.org");
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await StaffSignInTests.SignInAsync(client, "admin@example.org", StaffAccounts.Password);
        var draft = await _factory.Services.GetRequiredService<KnowledgeStore>().CreateDraftAsync("New article", "admin@example.org", default);

        var editor = await client.GetStringAsync(new Uri($"/admin/drafts/{draft}?path=articles/ar/orphan.md", UriKind.Relative));
        Assert.Contains("(new file)", editor, StringComparison.Ordinal);

        var saved = await PostAsync(client, draft, editor, "save", new() { ["path"] = "articles/ar/orphan.md", ["text"] = "---\nid: orphan\ntopic: return\ntitle: x\nsource: s\nlast_verified: 2026-11-01\n---\nنص" });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var page = await client.GetStringAsync(new Uri($"/admin/drafts/{draft}?path=articles/ar/orphan.md", UriKind.Relative));
        Assert.Contains("has no source article in articles/en/", page, StringComparison.Ordinal);
        Assert.Contains("Delete this file", page, StringComparison.Ordinal);

        await PostAsync(client, draft, page, "delete", new() { ["path"] = "articles/ar/orphan.md" });
        Assert.Empty((await _factory.Services.GetRequiredService<KnowledgeStore>().DraftAsync(draft, default)).Changes);
    }

    [Fact]
    public async Task A_yaml_bomb_in_a_draft_is_listed_as_an_error_and_the_host_stays_up()
    {
        await StaffAccounts.AddAsync(_factory.Services, "admin@example.org");
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await StaffSignInTests.SignInAsync(client, "admin@example.org", StaffAccounts.Password);
        var draft = await _factory.Services.GetRequiredService<KnowledgeStore>().CreateDraftAsync("Bomb", "admin@example.org", default);
        var editor = await client.GetStringAsync(new Uri($"/admin/drafts/{draft}?path=questions.yaml", UriKind.Relative));

        var saved = await PostAsync(client, draft, editor, "save", new() { ["path"] = "questions.yaml", ["text"] = "a: " + new string('[', 50_000) });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var page = await client.GetStringAsync(new Uri($"/admin/drafts/{draft}", UriKind.Relative));
        Assert.Contains("nested deeper than 32 levels", page, StringComparison.Ordinal);
        var translations = await client.GetAsync(new Uri($"/admin/drafts/{draft}/translations/fr", UriKind.Relative));
        Assert.True((int)translations.StatusCode < 500, $"translations page answered {(int)translations.StatusCode}");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, long draft, string page, string handler, Dictionary<string, string> form)
    {
        form["__RequestVerificationToken"] = Token().Match(page).Groups[1].Value;
        return await client.PostAsync(new Uri($"/admin/drafts/{draft}?handler={handler}", UriKind.Relative), new FormUrlEncodedContent(form));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
