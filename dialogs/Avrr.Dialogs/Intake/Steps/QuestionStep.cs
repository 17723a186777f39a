using Avrr.Knowledge;

namespace Avrr.Dialogs.Intake.Steps;

/// <summary>
/// The pre-screen: the host country, then only the questions that programme's rules need, each with "I don't know"
/// and "I prefer not to say". Answers are kept only with consent.
/// </summary>
internal sealed class QuestionStep : IStep
{
    public const string HostCountryQuestion = "host_country";
    private const string OtherCountry = "other";

    public Step Id => Step.Question;

    public void Render(Turn turn)
    {
        if (turn.State.Question is { } question && (question == HostCountryQuestion || turn.Knowledge.FindQuestion(question) is not null))
        {
            Ask(turn, question);
        }
        else
        {
            new MenuStep().Render(turn);
        }
    }

    public static void StartCheck(Turn turn)
    {
        if (!turn.State.ConsentGiven)
        {
            turn.Say("check.needs_consent");
            turn.Offer(ConsentStep.Options(turn).Take(2));
            turn.State.Step = Step.NeedConsent;
            return;
        }

        turn.Say("check.intro");
        // Each check starts afresh: earlier answers may no longer be true.
        turn.State.Answers.Clear();
        turn.State.Words.Clear();
        turn.State.Programme = null;
        if (turn.State.StartProgramme is { } known && turn.Knowledge.FindProgramme(known) is not null)
        {
            // The link the person came by (a counselling centre's QR code) already says where they are.
            Accept(turn, HostCountryQuestion, known);
            return;
        }

        Ask(turn, HostCountryQuestion);
    }

    /// <summary>The choices of a question as the person sees them, with the two answers every question accepts.</summary>
    public static List<ReplyChoice> Options(Turn turn, string questionId)
    {
        var options = questionId == HostCountryQuestion
            ? turn.Knowledge.HostCountries.Select(c => new ReplyChoice(Choices.AnswerPrefix + c.ProgrammeId, turn.T(c.NameKey)))
                .Append(new ReplyChoice(Choices.AnswerPrefix + OtherCountry, turn.T("country.other")))
            : turn.Knowledge.FindQuestion(questionId)!.Options.Select(o => new ReplyChoice(Choices.AnswerPrefix + o.Id, turn.T(o.LabelKey)));
        return options
            .Append(new ReplyChoice(Choices.AnswerPrefix + SpecialAnswers.DontKnow, turn.T("common.dont_know")))
            .Append(new ReplyChoice(Choices.AnswerPrefix + SpecialAnswers.PreferNotToSay, turn.T("common.prefer_not")))
            .ToList();
    }

    public static string PromptKey(Turn turn, string questionId) =>
        questionId == HostCountryQuestion ? "q.host_country" : turn.Knowledge.FindQuestion(questionId)!.PromptKey;

    public static void Ask(Turn turn, string questionId)
    {
        turn.Say(PromptKey(turn, questionId));
        turn.Offer(Options(turn, questionId));
        turn.State.Step = Step.Question;
        turn.State.Question = questionId;
    }

    /// <summary>"Back" to a question: its answer is forgotten and it is asked again.</summary>
    public static void Return(Turn turn, string questionId)
    {
        turn.State.Answers.Remove(questionId);
        turn.State.Words.Remove(questionId);
        if (questionId == HostCountryQuestion || !turn.State.ConsentGiven || turn.State.Programme is null)
        {
            StartCheck(turn);
        }
        else
        {
            Ask(turn, questionId);
        }
    }

    public void Handle(Turn turn, string? text)
    {
        var questionId = turn.State.Question ?? HostCountryQuestion;
        if (questionId != HostCountryQuestion && turn.Knowledge.FindQuestion(questionId) is null)
        {
            // The content changed under an old conversation: start the check again rather than fail.
            StartCheck(turn);
            return;
        }

        var question = questionId == HostCountryQuestion ? null : turn.Knowledge.FindQuestion(questionId);
        var chosen = ChoiceMatcher.Match(Options(turn, questionId), turn.Input.Value, text);
        var answer = chosen?.Value[Choices.AnswerPrefix.Length..] ?? (question is null ? null : TypedAnswer.Parse(question, text));
        if (answer is null)
        {
            switch (question?.Kind)
            {
                case QuestionKind.Number:
                    Flow.RepromptWith(turn, "reprompt.number", ("min", Invariant(question.Min)), ("max", Invariant(question.Max)));
                    break;
                case QuestionKind.Date:
                    Flow.RepromptWith(turn, "reprompt.date");
                    break;
                default:
                    Flow.Reprompt(turn);
                    break;
            }

            return;
        }

        // The counsellor sees the person's own words beside the label, unless they pressed the button or typed the label.
        var words = turn.Input.Value is null && text is { Length: > 0 } typed && (chosen is null || !string.Equals(TextFolding.Fold(typed), TextFolding.Fold(chosen.Title), StringComparison.Ordinal) && !typed.Trim().All(char.IsDigit))
            ? typed.Trim()
            : null;
        Accept(turn, questionId, answer, words);
    }

    private static void Accept(Turn turn, string questionId, string answer, string? words = null)
    {
        turn.State.Retries = 0;
        turn.State.Answers[questionId] = answer;
        if (words is null)
        {
            turn.State.Words.Remove(questionId);
        }
        else
        {
            turn.State.Words[questionId] = words.Length > 500 ? words[..500] : words;
        }

        turn.State.Back.Add("question:" + questionId);
        if (questionId == HostCountryQuestion)
        {
            if (turn.Knowledge.FindProgramme(answer) is null)
            {
                turn.Say("check.other_country");
                OutcomeStep.OfferCounsellor(turn);
                return;
            }

            turn.State.Programme = answer;
        }
        else if (turn.Knowledge.FindQuestion(questionId)!.Options.FirstOrDefault(o => o.Id == answer)?.Safeguarding is { } category)
        {
            Interruptions.Safeguard(turn, Enum.Parse<SafeguardingCategory>(category), words ?? turn.T(turn.Knowledge.FindQuestion(questionId)!.Options.First(o => o.Id == answer).LabelKey));
            return;
        }

        var next = turn.Knowledge.NextQuestion(turn.State.Programme!, turn.State.Answers);
        if (next is not null)
        {
            Ask(turn, next);
        }
        else
        {
            OutcomeStep.Show(turn);
        }
    }

    private static string Invariant(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";
}
