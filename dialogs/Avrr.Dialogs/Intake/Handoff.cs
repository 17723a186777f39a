using System.Text.Json;
using Avrr.Dialogs.Intake.Steps;

namespace Avrr.Dialogs.Intake;

/// <summary>A person asks for (or needs) a counsellor: the signal with the case summary, so they never repeat themselves.</summary>
internal static class Handoff
{
    public static void Request(Turn turn, HandoffUrgency urgency, string reason)
    {
        var state = turn.State;
        if (state.HandoffRequested)
        {
            turn.Say("handoff.already");
        }
        else
        {
            turn.Signal(new HandoffRequested(urgency, reason, Summary(turn, urgency, reason)));
            state.HandoffRequested = true;
            turn.Say("handoff.done");
        }

        turn.Offer(MenuStep.Options(turn));
        state.Step = Step.Menu;
        state.Question = null;
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
        var summary = new CaseSummary(
            new CaseInfo(turn.Language, urgency.ToString(), reason, turn.Input.Now),
            state.Consent is { } c ? new ConsentInfo(c.Version, c.Given, c.At) : null,
            preScreen,
            state.ConsentGiven ? state.Answers : new Dictionary<string, string>(),
            state.Flags,
            open);
        return JsonSerializer.Serialize(summary, IntakeJsonContext.Default.CaseSummary);
    }
}
