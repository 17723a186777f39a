using System.Text.Json;

namespace Avrr.Dialogs.Intake;

/// <summary>A person asks for (or needs) a counsellor: the signal with the case summary, so they never repeat themselves.</summary>
internal static class Handoff
{
    /// <summary>
    /// The host opens the case and tells the person, in the same transaction, their reference and the expected wait
    /// (<see cref="CaseNotice.Queued"/>); from then on only a counsellor speaks, so nothing else is said here.
    /// </summary>
    public static void Request(Turn turn, HandoffUrgency urgency, string reason)
    {
        if (turn.Input.Case != CaseStatus.None)
        {
            turn.Say("case.already", ("reference", turn.Input.CaseReference ?? ""));
            return;
        }

        turn.Signal(new HandoffRequested(urgency, reason, Summary(turn, urgency, reason)));
        turn.State.HandoffRequested = true;
    }

    public static string Summary(Turn turn, HandoffUrgency urgency, string reason)
    {
        var state = turn.State;
        var k = turn.Knowledge;
        PreScreenInfo? preScreen = null;
        if (state.Programme is { } programme && state.ConsentGiven)
        {
            var result = k.Evaluate(programme, state.Answers);
            preScreen = new PreScreenInfo(programme, result.Outcome.ToString(), result.ContentVersion, result.Findings
                .Select(f => new FindingInfo(f.RuleId, f.Effect.ToString(), k.Text(f.ReasonKey, k.SourceLanguage).Text, f.Source, f.LastVerified))
                .ToList());
        }

        var open = state.Programme is { } p && state.ConsentGiven && k.NextQuestion(p, state.Answers) is { } next ? new[] { next } : [];
        var answers = state.ConsentGiven
            ? state.Answers.Select(a => new AnswerInfo(a.Key, a.Value, state.Words.GetValueOrDefault(a.Key))).ToList()
            : [];
        var flags = state.Flags
            .Select(f => state.FlagNotes.TryGetValue(f, out var note) ? new FlagInfo(f, note.Message, note.At) : new FlagInfo(f, null, null))
            .ToList();
        var summary = new CaseSummary(
            CaseSummary.CurrentSchemaVersion,
            new CaseInfo(turn.Input.Channel, turn.Language, urgency.ToString(), reason, turn.Input.Now),
            state.Consent is { } c ? new ConsentInfo(c.Version, c.Given, c.At) : null,
            state.ConsentGiven ? state.Programme : null,
            k.Version,
            preScreen,
            answers,
            flags,
            open);
        return JsonSerializer.Serialize(summary, IntakeJsonContext.Default.CaseSummary);
    }
}
