using System.Globalization;
using Avrr.Dialogs.Intake.Steps;

namespace Avrr.Dialogs.Intake;

/// <summary>What the person is told when their case changes hands, and where a hand-back resumes.</summary>
internal static class CaseNotices
{
    public static void Tell(Turn turn, CaseNotice notice)
    {
        var state = turn.State;
        switch (notice)
        {
            case CaseNotice.Queued queued:
                turn.Say("case.queued", ("reference", queued.Reference));
                if (!turn.Knowledge.Service.IsOpen(turn.Input.Now))
                {
                    turn.Say("case.out_of_hours", ("hours", turn.T("service.hours")));
                }
                else if (queued.ExpectedWait is { } wait)
                {
                    var minutes = Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));
                    turn.Say("case.wait_minutes", ("minutes", minutes.ToString(CultureInfo.InvariantCulture)));
                }
                else
                {
                    turn.Say("case.wait_unknown");
                }

                turn.Say("case.until_then");
                if (turn.Terms.MachineTranslation)
                {
                    turn.Say("privacy.translation");
                }

                state.HandoffRequested = true;
                break;
            case CaseNotice.Joined joined:
                turn.Say("case.joined", ("name", joined.CounsellorName));
                break;
            case CaseNotice.Transferred transferred:
                turn.Say("case.transferred", ("name", transferred.CounsellorName));
                break;
            case CaseNotice.Left:
                turn.Say("case.left");
                break;
            case CaseNotice.Closed closed:
                state.HandoffRequested = false;
                state.Back.Clear();
                turn.Say("case.closed", ("reference", closed.Reference));
                turn.Offer(MenuStep.Options(turn));
                state.Step = Step.Menu;
                state.Question = null;
                break;
            case CaseNotice.HandedBack back:
                state.HandoffRequested = false;
                state.Back.Clear();
                state.Retries = 0;
                turn.Say("case.handed_back");
                Resume(turn, back.ResumeAt);
                break;
        }
    }

    private static void Resume(Turn turn, string at)
    {
        var state = turn.State;
        if (at == ResumePoints.Check && state.ConsentGiven)
        {
            if (state.Programme is { } programme && turn.Knowledge.FindProgramme(programme) is not null)
            {
                if (turn.Knowledge.NextQuestion(programme, state.Answers) is { } next)
                {
                    QuestionStep.Ask(turn, next);
                }
                else
                {
                    OutcomeStep.Show(turn);
                }
            }
            else
            {
                QuestionStep.StartCheck(turn);
            }

            return;
        }

        if (at.StartsWith(ResumePoints.QuestionPrefix, StringComparison.Ordinal) && state.ConsentGiven && state.Programme is not null
            && at[ResumePoints.QuestionPrefix.Length..] is var question
            && (question == QuestionStep.HostCountryQuestion || turn.Knowledge.FindQuestion(question) is not null))
        {
            QuestionStep.Return(turn, question);
            return;
        }

        MenuStep.Show(turn);
    }
}
