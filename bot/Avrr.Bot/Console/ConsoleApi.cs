using System.Security.Claims;
using Avrr.Bot.Audit;
using Avrr.Bot.Cases;
using Avrr.Knowledge;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Avrr.Bot.Console;

/// <summary>
/// The console's JSON API (/api/console, described at /api/console/openapi.json). Reads write one audit entry each;
/// writes need the antiforgery header <c>RequestVerificationToken</c> and go through <see cref="CaseActions"/>, which
/// audits in the action's own transaction.
/// </summary>
internal static class ConsoleApi
{
    public sealed record MeResponse(string Id, string Email, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Languages, string? UiLanguage, int Capacity, bool Available);

    public sealed record ProfileRequest(string? DisplayName, IReadOnlyList<string>? Languages, string? UiLanguage, int? Capacity);

    public sealed record PresenceRequest(bool Available);

    public sealed record TextRequest(string? Text, bool? Translate = null);

    public sealed record TransferRequest(string? To);

    public sealed record HandBackRequest(string? ResumeAt);

    public sealed record CloseRequest(string? Outcome);

    public sealed record ActionResponse(string Reference, long? Seq, string? Delivery);

    public static void MapConsoleApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/console").RequireAuthorization(ConsoleSetup.ConsolePolicy).WithTags("Console");
        api.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (!HttpMethods.IsGet(http.Request.Method) && !await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http))
            {
                return Results.Problem("The page's form token is missing or stale; reload the console.", statusCode: StatusCodes.Status400BadRequest);
            }

            return await next(context);
        });

        api.MapGet("/me", async (ClaimsPrincipal user, StaffDirectory staff, CancellationToken ct) =>
        {
            var me = (await staff.CurrentAsync(user, ct))!;
            var profile = await staff.ProfileAsync(me.UserId, me.Email, ct);
            return new MeResponse(me.UserId, me.Email, me.DisplayName, [.. me.Roles.Order()], profile.Languages.Split(',', StringSplitOptions.RemoveEmptyEntries), profile.UiLanguage, profile.Capacity, profile.Available);
        }).WithSummary("The signed-in staff member, their profile and presence.");

        api.MapPut("/me", async Task<Results<NoContent, ProblemHttpResult>> (ProfileRequest request, ClaimsPrincipal user, StaffDirectory staff, IKnowledgeSource knowledge, CancellationToken ct) =>
        {
            var me = (await staff.CurrentAsync(user, ct))!;
            var name = request.DisplayName?.Trim() ?? "";
            if (name.Length is 0 or > 100)
            {
                return TypedResults.Problem("The name people see must have 1 to 100 characters.", statusCode: 400);
            }

            var languages = (request.Languages ?? []).Select(l => l.Trim()).Where(l => l.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            var unknown = languages.Append(request.UiLanguage).OfType<string>().FirstOrDefault(l => knowledge.Current.FindLanguage(l) is null);
            if (unknown is not null)
            {
                return TypedResults.Problem($"'{unknown}' is not a language of the content.", statusCode: 400);
            }

            if (request.Capacity is < 1 or > 50)
            {
                return TypedResults.Problem("Capacity is the number of open cases at once, from 1 to 50.", statusCode: 400);
            }

            var profile = await staff.ProfileAsync(me.UserId, me.Email, ct);
            await staff.UpdateProfileAsync(me.UserId, name, languages, request.UiLanguage, request.Capacity ?? profile.Capacity, ct);
            return TypedResults.NoContent();
        }).WithSummary("Changes the name people see, the languages spoken, the language of labels and the capacity.");

        api.MapPut("/me/presence", async (PresenceRequest request, ClaimsPrincipal user, StaffDirectory staff, CancellationToken ct) =>
        {
            var me = (await staff.CurrentAsync(user, ct))!;
            await staff.SetAvailableAsync(me.UserId, request.Available, ct);
            return TypedResults.NoContent();
        }).WithSummary("Available or away (auto-assignment gives cases only to available counsellors).");

        api.MapGet("/queue", async (string? language, string? programme, string? channel, int? minAgeMinutes, ClaimsPrincipal user, StaffDirectory staff, CaseQueries queries, CancellationToken ct) =>
        {
            var me = (await staff.CurrentAsync(user, ct))!;
            return await queries.QueueAsync(me, new QueueFilter(language, programme, channel, minAgeMinutes), ct);
        }).WithSummary("Open cases, urgent first then oldest; a counsellor sees the waiting ones and their own.");

        api.MapGet("/colleagues", async (StaffDirectory staff, CancellationToken ct) =>
            (await staff.ColleaguesAsync(ct)).Select(c => new { c.UserId, c.DisplayName, c.Languages, c.Available, c.Present, c.OpenCases, c.Capacity }))
            .WithSummary("Who takes cases, for transfers.");

        api.MapGet("/cases/{reference}", async Task<Results<Ok<CaseView>, NotFound, ProblemHttpResult>> (string reference, ClaimsPrincipal user, StaffDirectory staff, CaseQueries queries, AuditTrail audit, CancellationToken ct) =>
        {
            var me = (await staff.CurrentAsync(user, ct))!;
            reference = CaseReferences.Normalize(reference);
            try
            {
                var view = await queries.CaseAsync(reference, me, ct);
                if (view is null)
                {
                    return TypedResults.NotFound();
                }

                await audit.WriteAsync(me.Email, "case.read", reference, "summary, transcript and notes", ct);
                return TypedResults.Ok(view);
            }
            catch (UnauthorizedAccessException ex)
            {
                return TypedResults.Problem(ex.Message + " A supervisor can transfer it to you.", statusCode: StatusCodes.Status403Forbidden);
            }
        }).WithSummary("A case: summary with labels in your language, transcript with ticks, notes, history and what you may do.");

        api.MapGet("/cases/{reference}/transcript", async Task<Results<Ok<IReadOnlyList<TranscriptEntry>>, NotFound, ProblemHttpResult>> (string reference, long? after, ClaimsPrincipal user, StaffDirectory staff, CaseQueries queries, AuditTrail audit, CancellationToken ct) =>
        {
            var me = (await staff.CurrentAsync(user, ct))!;
            reference = CaseReferences.Normalize(reference);
            try
            {
                var entries = await queries.TranscriptAfterAsync(reference, me, after ?? -1, ct);
                if (entries is null)
                {
                    return TypedResults.NotFound();
                }

                await audit.WriteAsync(me.Email, "case.transcript.read", reference, $"after {after ?? -1}: {entries.Count} messages", ct);
                return TypedResults.Ok(entries);
            }
            catch (UnauthorizedAccessException ex)
            {
                return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status403Forbidden);
            }
        }).WithSummary("Transcript entries after a sequence number (the live view's cursor), with delivery ticks.");

        api.MapGet("/cases/{reference}/export", async Task<Results<ContentHttpResult, NotFound, ProblemHttpResult>> (string reference, ClaimsPrincipal user, StaffDirectory staff, CaseQueries queries, AuditTrail audit, CancellationToken ct) =>
        {
            var me = (await staff.CurrentAsync(user, ct))!;
            reference = CaseReferences.Normalize(reference);
            try
            {
                var export = await queries.ExportAsync(reference, me, null, ct);
                if (export is null)
                {
                    return TypedResults.NotFound();
                }

                await audit.WriteAsync(me.Email, "case.export", reference, $"schema {CaseExport.SchemaVersion}", ct);
                return TypedResults.Content(System.Text.Json.JsonSerializer.Serialize(export.Value, CaseExport.Json), "application/json");
            }
            catch (UnauthorizedAccessException ex)
            {
                return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status403Forbidden);
            }
        }).WithSummary("The case as versioned JSON (docs/case-export.md).");

        api.MapPost("/cases/{reference}/claim", (string reference, ClaimsPrincipal user, StaffDirectory staff, CaseActions actions, CancellationToken ct) =>
            Act(reference, user, staff, (r, me) => actions.ClaimAsync(r, me, ct), ct)).WithSummary("Takes a waiting case (409 with who has it when someone was first).");

        api.MapPost("/cases/{reference}/messages", (string reference, TextRequest request, ClaimsPrincipal user, StaffDirectory staff, CaseActions actions, CancellationToken ct) =>
            Act(reference, user, staff, (r, me) => actions.SendAsync(r, me, request.Text ?? "", request.Translate ?? false, ct), ct)).WithSummary("Writes to the person on their channel, through the outbox; with translate, in their language by machine translation.");

        api.MapPost("/cases/{reference}/template", (string reference, ClaimsPrincipal user, StaffDirectory staff, CaseActions actions, CancellationToken ct) =>
            Act(reference, user, staff, (r, me) => actions.SendTemplateAsync(r, me, ct), ct)).WithSummary("WhatsApp outside the 24-hour window: sends the re-engagement template.");

        api.MapPost("/cases/{reference}/notes", (string reference, TextRequest request, ClaimsPrincipal user, StaffDirectory staff, CaseActions actions, CancellationToken ct) =>
            Act(reference, user, staff, (r, me) => actions.NoteAsync(r, me, request.Text ?? "", ct), ct)).WithSummary("A private note: never sent to the person or any channel.");

        api.MapPost("/cases/{reference}/transfer", (string reference, TransferRequest request, ClaimsPrincipal user, StaffDirectory staff, CaseActions actions, CancellationToken ct) =>
            Act(reference, user, staff, (r, me) => actions.TransferAsync(r, me, request.To ?? "", ct), ct)).WithSummary("Gives the case to a colleague.");

        api.MapPost("/cases/{reference}/release", (string reference, ClaimsPrincipal user, StaffDirectory staff, CaseActions actions, CancellationToken ct) =>
            Act(reference, user, staff, (r, me) => actions.ReleaseAsync(r, me, "released by " + me.DisplayName, ct), ct)).WithSummary("Puts the case back in the queue.");

        api.MapPost("/cases/{reference}/handback", (string reference, HandBackRequest request, ClaimsPrincipal user, StaffDirectory staff, CaseActions actions, CancellationToken ct) =>
            Act(reference, user, staff, (r, me) => actions.HandBackAsync(r, me, request.ResumeAt ?? Dialogs.ResumePoints.Menu, ct), ct)).WithSummary("Hands the person back to the bot at the menu or a chosen step, closing the case.");

        api.MapPost("/cases/{reference}/close", (string reference, CloseRequest request, ClaimsPrincipal user, StaffDirectory staff, CaseActions actions, CancellationToken ct) =>
            Act(reference, user, staff, (r, me) => actions.CloseAsync(r, me, request.Outcome ?? "", ct), ct)).WithSummary("Closes the case with an outcome from content.");

        app.MapGet("/api/console/supervisor", async (CaseQueries queries, CancellationToken ct) => await queries.SupervisorAsync(ct))
            .RequireAuthorization(ConsoleSetup.ConsolePolicy, ConsoleSetup.SupervisorPolicy).WithTags("Console").WithSummary("Load per counsellor, waiting and first-response times, the oldest unclaimed urgent case.");
    }

    private static async Task<IResult> Act(string reference, ClaimsPrincipal user, StaffDirectory staff, Func<string, StaffMember, Task<CaseActionResult>> action, CancellationToken ct)
    {
        var me = (await staff.CurrentAsync(user, ct))!;
        var normalized = CaseReferences.Normalize(reference);
        return await action(normalized, me) switch
        {
            CaseActionResult.Done done => TypedResults.Ok(new ActionResponse(normalized, done.Seq, done.Delivery)),
            CaseActionResult.Conflict conflict => TypedResults.Problem(conflict.Message, statusCode: StatusCodes.Status409Conflict),
            CaseActionResult.Forbidden forbidden => TypedResults.Problem(forbidden.Message, statusCode: StatusCodes.Status403Forbidden),
            CaseActionResult.Invalid invalid => TypedResults.Problem(invalid.Message, statusCode: StatusCodes.Status400BadRequest),
            _ => TypedResults.Problem($"There is no case {normalized}.", statusCode: StatusCodes.Status404NotFound),
        };
    }
}
