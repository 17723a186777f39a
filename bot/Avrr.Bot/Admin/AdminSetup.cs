using System.Security.Claims;
using Avrr.Bot.Audit;
using Avrr.Bot.Console;
using Avrr.Bot.Knowledge;
using Avrr.Bot.Persistence;
using Avrr.Bot.Staff;
using Avrr.Dialogs;
using Avrr.Dialogs.Intake;
using Avrr.Knowledge;
using Microsoft.AspNetCore.Antiforgery;

namespace Avrr.Bot.Admin;

internal static class AdminSetup
{
    /// <summary>The administrators' pages under /admin (Razor Pages), signed in staff with the Admin role only.</summary>
    public static WebApplicationBuilder AddAdmin(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorPages(options =>
        {
            // Each capability's pages are a Razor area (Areas/<Capability>/Pages); their addresses are the @page routes.
            options.Conventions.AuthorizeAreaFolder("Admin", "/", StaffSetup.AdminPolicy);
            options.Conventions.AuthorizeAreaFolder("Console", "/", ConsoleSetup.ConsolePolicy);
            options.Conventions.AddAreaPageRoute("Console", "/Index", "console/cases/{reference}");
            options.Conventions.AuthorizeAreaPage("Console", "/Supervisor", ConsoleSetup.SupervisorPolicy);
            options.Conventions.AuthorizeAreaPage("Audit", "/Index", ConsoleSetup.SupervisorPolicy);
            options.Conventions.AllowAnonymousToAreaPage("Staff", "/Login");
            options.Conventions.AllowAnonymousToAreaPage("Staff", "/LoginTwoFactor");
            options.Conventions.AllowAnonymousToAreaPage("Staff", "/Denied");
        });
        builder.Services.AddAntiforgery(options => options.HeaderName = "RequestVerificationToken");
        return builder;
    }

    public static WebApplication MapAdmin(this WebApplication app)
    {
        app.MapRazorPages();

        var admin = app.MapGroup("/admin").RequireAuthorization(StaffSetup.AdminPolicy);
        admin.MapGet("/versions/{id:long}/export", async (long id, KnowledgeStore store, AuditTrail audit, ClaimsPrincipal user, CancellationToken ct) =>
        {
            KnowledgeVersionRecord version;
            try
            {
                version = await store.VersionAsync(id, ct);
            }
            catch (KnowledgeEditException ex)
            {
                return Results.Problem(ex.Message, statusCode: StatusCodes.Status404NotFound);
            }

            var zip = await store.ExportAsync(id, ct);
            await audit.WriteAsync(Actor(user), "version.export", $"version {version.Label}", null, ct);
            return Results.File(zip, "application/zip", $"avrr-knowledge-{version.Label}.zip");
        });

        // One preview turn against the draft: nothing is stored, the state travels with the page.
        admin.MapPost("/drafts/{id:long}/preview", async (long id, PreviewRequest request, HttpContext context, IAntiforgery antiforgery, KnowledgeStore store, TimeProvider time, CancellationToken ct) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.Problem("The page's form token is missing or stale; reload the preview page.", statusCode: StatusCodes.Status400BadRequest);
            }

            IKnowledgeSnapshot snapshot;
            try
            {
                snapshot = await store.PreviewSnapshotAsync(id, ct);
            }
            catch (KnowledgeEditException ex)
            {
                return Results.Problem(ex.Message + " " + string.Join("; ", ex.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5)), statusCode: StatusCodes.Status409Conflict);
            }

            var engine = new IntakeEngine(new SingleSnapshot(snapshot));
            var result = engine.Run(request.State, new TurnInput(request.Text, request.Value, request.Locale, ChannelCapabilities.WebChat, time.GetUtcNow()));
            return Results.Ok(new PreviewResponse(
                result.State,
                result.Replies.Select(r => new PreviewReply(r.Text, r.Language, r.RightToLeft, r.Choices.Select(c => new PreviewChoice(c.Value, c.Title)).ToList())).ToList(),
                result.Signals.Select(s => s.GetType().Name).ToList()));
        });

        return app;
    }

    public static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";

    internal sealed record PreviewRequest(string? State, string? Text, string? Value, string? Locale);

    internal sealed record PreviewChoice(string Value, string Title);

    internal sealed record PreviewReply(string Text, string Language, bool RightToLeft, IReadOnlyList<PreviewChoice> Choices);

    internal sealed record PreviewResponse(string State, IReadOnlyList<PreviewReply> Replies, IReadOnlyList<string> Signals);

    private sealed class SingleSnapshot(IKnowledgeSnapshot snapshot) : IKnowledgeSource
    {
        public IKnowledgeSnapshot Current => snapshot;

        public IKnowledgeSnapshot? Find(string version) => version == snapshot.Version ? snapshot : null;
    }
}
