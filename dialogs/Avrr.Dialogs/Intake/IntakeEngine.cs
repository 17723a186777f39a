using System.Text.Json;
using Avrr.Knowledge;

namespace Avrr.Dialogs.Intake;

/// <summary>
/// The intake conversation: language, tiered consent, main menu, information, the eligibility pre-screen,
/// safeguarding and hand-off. Global commands and safeguarding are handled in one place before the current step.
/// Stateless: everything about the person is in <see cref="IntakeState"/>.
/// </summary>
public sealed class IntakeEngine(IKnowledgeSource knowledge, DataTerms terms) : IDialogEngine
{
    private const int MaxRetries = 3;
    private const string HostCountryQuestion = "host_country";
    private const string OtherCountry = "other";

    /// <summary>
    /// The retention periods any text may name (<c>{retention_days}</c>, <c>{case_retention_days}</c>): from the
    /// host's settings, so the privacy notice can never promise something else than what the retention sweep does.
    /// </summary>
    private readonly Dictionary<string, string> _placeholders = new(StringComparer.Ordinal)
    {
        ["retention_days"] = terms.ConversationDays.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["case_retention_days"] = terms.ClosedCaseDays.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public IntakeEngine(IKnowledgeSource knowledge)
        : this(knowledge, DataTerms.Default)
    {
    }

    public TurnResult Run(string? state, TurnInput input)
    {
        var current = IntakeState.Parse(state);
        // A conversation keeps the content version it started with, until it restarts or the version is gone.
        var snapshot = (current.ContentVersion is { } version ? knowledge.Find(version) : null) ?? knowledge.Current;
        current.ContentVersion = snapshot.Version;
        var turn = new Turn(snapshot, current, input, _placeholders);
        if (input.Case == CaseStatus.WithCounsellor)
        {
            WithCounsellor(turn);
        }
        else
        {
            Handle(turn);
        }

        // Without consent the host keeps nothing beyond delivery; a conversation with a counsellor is kept for them.
        var keep = current.ConsentGiven || input.Case != CaseStatus.None && !turn.Signals.Any(s => s is EraseRequested);
        return new TurnResult(current.Serialize(), turn.Build(), turn.Signals, keep);
    }

    /// <summary>
    /// A counsellor owns the conversation: only the owner speaks, so the bot answers only what must work in every
    /// state (safeguarding, stop, delete my data and its confirmation) and leaves the rest to the counsellor.
    /// </summary>
    private static void WithCounsellor(Turn turn)
    {
        var text = turn.Input.Text;
        if (turn.Input.Value is null && turn.Knowledge.DetectSafeguarding(text ?? "") is { } disclosure)
        {
            Safeguard(turn, disclosure);
            return;
        }

        if (turn.State.Step == Step.ConfirmDelete && ChoiceMatcher.Match(DeleteChoices(turn), turn.Input.Value, text) is { } choice
            && choice.Value is "delete:yes" or "delete:no")
        {
            OnConfirmDelete(turn, text);
            return;
        }

        switch (turn.Input.Value is null ? turn.Knowledge.MatchCommand(text ?? "") : null)
        {
            case GlobalCommand.Stop:
                RunCommand(turn, GlobalCommand.Stop);
                break;
            case GlobalCommand.DeleteMyData:
                AskDelete(turn);
                break;
        }
    }

    private static void Handle(Turn turn)
    {
        var state = turn.State;
        var input = turn.Input;
        var text = input.Text is { Length: > TextFolding.MaxInput } lengthy ? lengthy[..TextFolding.MaxInput] : input.Text;
        if (!state.Greeted && input.StartParameter is { Length: > 0 } start && ApplyStart(turn, start))
        {
            // Came by a link that names the language: confirm it and go straight to consent ("language" changes it).
            state.Greeted = true;
            turn.Say("lang.changed");
            AskConsent(turn);
            return;
        }

        if (string.IsNullOrWhiteSpace(text) && input.Value is null)
        {
            // A client joining (or an empty message) greets only a new conversation.
            if (!state.Greeted)
            {
                AskLanguage(turn, Detect(turn));
            }

            return;
        }

        if (!state.Greeted && input.Value is null && MatchLanguage(turn, text) is null
            && turn.Knowledge.DetectSafeguarding(text ?? "") is null && turn.Knowledge.MatchCommand(text ?? "") is null)
        {
            // The first message ("hello", in any language) is answered with the greeting, in the language it suggests.
            AskLanguage(turn, Detect(turn));
            return;
        }

        if (state.OptedOut)
        {
            state.OptedOut = false;
            turn.Say("stop.welcome_back");
            if (state.Language is null)
            {
                AskLanguage(turn, Detect(turn));
            }
            else
            {
                ShowMenu(turn);
            }

            return;
        }

        if (input.Value is null && turn.Knowledge.DetectSafeguarding(text ?? "") is { } disclosure)
        {
            Safeguard(turn, disclosure);
            return;
        }

        if (input.Value is null && turn.Knowledge.MatchCommand(text ?? "") is { } command)
        {
            RunCommand(turn, command);
            return;
        }

        switch (state.Step)
        {
            case Step.Language: OnLanguage(turn, text); break;
            case Step.Consent: OnConsent(turn, text); break;
            case Step.NeedConsent: OnNeedConsent(turn, text); break;
            case Step.Menu: OnMenu(turn, text); break;
            case Step.Learn: OnLearn(turn, text); break;
            case Step.Question: OnAnswer(turn, text); break;
            case Step.Outcome: OnOutcome(turn, text); break;
            case Step.ConfirmDelete: OnConfirmDelete(turn, text); break;
        }
    }

    // ---- Steps -------------------------------------------------------------------------------------------------

    private static void AskLanguage(Turn turn, string? detected)
    {
        var languages = turn.Knowledge.Languages.OrderBy(l => l.Code == detected ? 0 : 1).ToList();
        InLanguage(turn, detected, () => turn.Say("lang.prompt"));
        turn.Offer(languages.Select(l => new ReplyChoice("lang:" + l.Code, l.NativeName)));
        turn.State.Step = Step.Language;
        turn.State.Greeted = true;
    }

    /// <summary>Before a language is chosen, speaks the one we guessed; the person confirms by choosing.</summary>
    private static void InLanguage(Turn turn, string? detected, Action say)
    {
        if (turn.State.Language is not null || detected is null)
        {
            say();
            return;
        }

        turn.State.Language = detected;
        say();
        turn.State.Language = null;
    }

    private static string? MatchLanguage(Turn turn, string? text)
    {
        var choices = turn.Knowledge.Languages.Select(l => new ReplyChoice("lang:" + l.Code, l.NativeName)).ToList();
        return ChoiceMatcher.Match(choices, turn.Input.Value, text)?.Value[5..]
            ?? turn.Knowledge.FindLanguage(TextFolding.Fold(text))?.Code;
    }

    private static void OnLanguage(Turn turn, string? text)
    {
        var chosen = MatchLanguage(turn, text);
        if (chosen is null)
        {
            Reprompt(turn);
            return;
        }

        var first = turn.State.Language is null;
        turn.State.Language = chosen;
        turn.State.Retries = 0;
        turn.Say("lang.changed");
        if (first || turn.State.Consent is null || !ConsentIsCurrent(turn))
        {
            AskConsent(turn);
        }
        else
        {
            // Switched mid-way: carry on where the person was, now in the new language.
            GoBack(turn);
        }
    }

    private static void AskConsent(Turn turn)
    {
        turn.Say("consent.short");
        turn.Offer(ConsentChoices(turn));
        turn.State.Step = Step.Consent;
    }

    private static List<ReplyChoice> ConsentChoices(Turn turn) =>
    [
        new("consent:yes", turn.T("consent.yes")),
        new("consent:no", turn.T("consent.no")),
        new("consent:more", turn.T("consent.more")),
    ];

    private static void OnConsent(Turn turn, string? text)
    {
        switch (ChoiceMatcher.Match(ConsentChoices(turn), turn.Input.Value, text)?.Value)
        {
            case "consent:yes":
                Record(turn, given: true);
                turn.Say("consent.accepted");
                ShowMenu(turn);
                break;
            case "consent:no":
                Record(turn, given: false);
                turn.Say("consent.declined");
                ShowMenu(turn);
                break;
            case "consent:more":
                turn.Say("consent.full");
                turn.Say("consent.short");
                turn.Offer(ConsentChoices(turn).Take(2));
                break;
            default:
                Reprompt(turn);
                break;
        }
    }

    private static void Record(Turn turn, bool given)
    {
        turn.State.Consent = new ConsentRecord(ConsentVersion(turn.Knowledge), given, turn.Input.Now);
        turn.State.Retries = 0;
        if (!given)
        {
            // Information-only mode keeps no answers.
            turn.State.Answers.Clear();
            turn.State.Programme = null;
        }
    }

    /// <summary>The consent notice's version is its source text: a changed notice asks again.</summary>
    private static string ConsentVersion(IKnowledgeSnapshot knowledge) =>
        KnowledgeLoader.SourceHash(knowledge.Text("consent.short", knowledge.SourceLanguage).Text);

    private static bool ConsentIsCurrent(Turn turn) => turn.State.Consent?.Version == ConsentVersion(turn.Knowledge);

    private static List<ReplyChoice> MenuChoices(Turn turn) =>
    [
        new("menu:learn", turn.T("menu.learn")),
        new("menu:check", turn.T("menu.check")),
        new("menu:counsellor", turn.T("menu.counsellor")),
        new("menu:mydata", turn.T("menu.mydata")),
        new("menu:language", turn.T("menu.language")),
    ];

    private static void ShowMenu(Turn turn)
    {
        if (turn.State.Consent is not null && !ConsentIsCurrent(turn))
        {
            turn.Say("consent.renew");
            AskConsent(turn);
            return;
        }

        turn.Say("menu.prompt");
        turn.Offer(MenuChoices(turn));
        turn.State.Step = Step.Menu;
        turn.State.Question = null;
    }

    private static void OnMenu(Turn turn, string? text)
    {
        switch (ChoiceMatcher.Match(MenuChoices(turn), turn.Input.Value, text)?.Value)
        {
            case "menu:learn":
                Push(turn);
                ShowLearn(turn);
                break;
            case "menu:check":
                Push(turn);
                StartCheck(turn);
                break;
            case "menu:counsellor":
                RequestHandoff(turn, HandoffUrgency.Normal, "asked for a counsellor");
                break;
            case "menu:mydata":
                ShowMyData(turn);
                break;
            case "menu:language":
                Push(turn);
                AskLanguage(turn, null);
                break;
            default:
                AnswerFreeText(turn, text);
                break;
        }
    }

    private static List<ReplyChoice> LearnChoices(Turn turn) =>
        turn.Knowledge.LearnArticles(turn.Language)
            .Select(a => new ReplyChoice("article:" + a.Id, a.Title))
            .Append(new ReplyChoice("nav:menu", turn.T("common.menu")))
            .ToList();

    private static void ShowLearn(Turn turn)
    {
        turn.Say("learn.prompt");
        turn.Offer(LearnChoices(turn));
        turn.State.Step = Step.Learn;
    }

    private static void OnLearn(Turn turn, string? text)
    {
        var chosen = ChoiceMatcher.Match(LearnChoices(turn), turn.Input.Value, text)?.Value;
        if (chosen == "nav:menu")
        {
            ShowMenu(turn);
        }
        else if (chosen is not null && turn.Knowledge.FindArticle(chosen["article:".Length..], turn.Language) is { } article)
        {
            ShowArticle(turn, article);
        }
        else
        {
            AnswerFreeText(turn, text);
        }
    }

    private static void ShowArticle(Turn turn, Article article)
    {
        turn.SayText(article.Title + "\n\n" + article.BodyMarkdown, article.IsFallback, article.Language);
        turn.Say("info.source", ("source", article.Source), ("date", article.LastVerified.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        turn.Offer(LearnChoices(turn));
        turn.State.Step = Step.Learn;
        turn.State.Retries = 0;
    }

    /// <summary>Free text is a question: answer from the curated articles, or offer a person when nothing fits.</summary>
    private static void AnswerFreeText(Turn turn, string? text)
    {
        if (TextFolding.Words(text).Length < 2)
        {
            Reprompt(turn);
            return;
        }

        if (turn.Knowledge.SearchArticles(turn.Language, text ?? "", 1) is [var best])
        {
            ShowArticle(turn, best.Article);
            return;
        }

        turn.Say("info.not_found");
        turn.Offer([new ReplyChoice("menu:counsellor", turn.T("menu.counsellor")), new ReplyChoice("nav:menu", turn.T("common.menu"))]);
        turn.State.Step = Step.Menu;
    }

    private static void StartCheck(Turn turn)
    {
        if (!turn.State.ConsentGiven)
        {
            turn.Say("check.needs_consent");
            turn.Offer(ConsentChoices(turn).Take(2));
            turn.State.Step = Step.NeedConsent;
            return;
        }

        turn.Say("check.intro");
        // Each check starts afresh: earlier answers may no longer be true.
        turn.State.Answers.Clear();
        turn.State.Programme = null;
        if (turn.State.StartProgramme is { } known && turn.Knowledge.FindProgramme(known) is not null)
        {
            // The link the person came by (a counselling centre's QR code) already says where they are.
            Accept(turn, HostCountryQuestion, known);
            return;
        }

        Ask(turn, HostCountryQuestion);
    }

    /// <summary>
    /// A deep-link parameter <c>&lt;COUNTRY&gt;_&lt;language&gt;</c> (e.g. <c>BE_ar</c>), or just one of them: the host
    /// country skips that question in the check; the language skips the language question.
    /// </summary>
    private static bool ApplyStart(Turn turn, string start)
    {
        var tokens = start.Split(['_', '-', '.'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        HostCountry? Country(string token) => turn.Knowledge.HostCountries.FirstOrDefault(c => c.Code.Equals(token, StringComparison.OrdinalIgnoreCase));
        var country = tokens.Length > 0 ? Country(tokens[0]) : null;
        var languageToken = tokens.Length > 1 ? tokens[1] : country is null && tokens.Length == 1 ? tokens[0] : null;
        if (country is not null)
        {
            turn.State.StartProgramme = country.ProgrammeId;
        }

        if (languageToken is not null && turn.Knowledge.FindLanguage(languageToken.ToLowerInvariant()) is { } language)
        {
            turn.State.Language = language.Code;
            return true;
        }

        return false;
    }

    private static void OnNeedConsent(Turn turn, string? text)
    {
        switch (ChoiceMatcher.Match(ConsentChoices(turn), turn.Input.Value, text)?.Value)
        {
            case "consent:yes":
                Record(turn, given: true);
                turn.Say("consent.accepted");
                StartCheck(turn);
                break;
            case "consent:no":
                ShowMenu(turn);
                break;
            default:
                Reprompt(turn);
                break;
        }
    }

    private static List<ReplyChoice> AnswerChoices(Turn turn, string questionId)
    {
        var options = questionId == HostCountryQuestion
            ? turn.Knowledge.HostCountries.Select(c => new ReplyChoice("ans:" + c.ProgrammeId, turn.T(c.NameKey)))
                .Append(new ReplyChoice("ans:" + OtherCountry, turn.T("country.other")))
            : turn.Knowledge.FindQuestion(questionId)!.Options.Select(o => new ReplyChoice("ans:" + o.Id, turn.T(o.LabelKey)));
        return options
            .Append(new ReplyChoice("ans:" + SpecialAnswers.DontKnow, turn.T("common.dont_know")))
            .Append(new ReplyChoice("ans:" + SpecialAnswers.PreferNotToSay, turn.T("common.prefer_not")))
            .ToList();
    }

    private static void Ask(Turn turn, string questionId)
    {
        turn.Say(questionId == HostCountryQuestion ? "q.host_country" : turn.Knowledge.FindQuestion(questionId)!.PromptKey);
        turn.Offer(AnswerChoices(turn, questionId));
        turn.State.Step = Step.Question;
        turn.State.Question = questionId;
    }

    private static void OnAnswer(Turn turn, string? text)
    {
        var questionId = turn.State.Question ?? HostCountryQuestion;
        if (questionId != HostCountryQuestion && turn.Knowledge.FindQuestion(questionId) is null)
        {
            // The content changed under an old conversation: start the check again rather than fail.
            StartCheck(turn);
            return;
        }

        var question = questionId == HostCountryQuestion ? null : turn.Knowledge.FindQuestion(questionId);
        var answer = ChoiceMatcher.Match(AnswerChoices(turn, questionId), turn.Input.Value, text)?.Value[4..]
            ?? (question is null ? null : TypedAnswer.Parse(question, text));
        if (answer is null)
        {
            switch (question?.Kind)
            {
                case QuestionKind.Number:
                    RepromptWith(turn, "reprompt.number", ("min", Invariant(question.Min)), ("max", Invariant(question.Max)));
                    break;
                case QuestionKind.Date:
                    RepromptWith(turn, "reprompt.date");
                    break;
                default:
                    Reprompt(turn);
                    break;
            }

            return;
        }

        Accept(turn, questionId, answer);
    }

    private static void Accept(Turn turn, string questionId, string answer)
    {
        turn.State.Retries = 0;
        turn.State.Answers[questionId] = answer;
        turn.State.Back.Add("question:" + questionId);
        if (questionId == HostCountryQuestion)
        {
            if (turn.Knowledge.FindProgramme(answer) is null)
            {
                turn.Say("check.other_country");
                RequestHandoffOffer(turn);
                return;
            }

            turn.State.Programme = answer;
        }
        else if (turn.Knowledge.FindQuestion(questionId)!.Options.FirstOrDefault(o => o.Id == answer)?.Safeguarding is { } category)
        {
            Safeguard(turn, Enum.Parse<SafeguardingCategory>(category));
            return;
        }

        var next = turn.Knowledge.NextQuestion(turn.State.Programme!, turn.State.Answers);
        if (next is not null)
        {
            Ask(turn, next);
        }
        else
        {
            ShowOutcome(turn);
        }
    }

    private static void ShowOutcome(Turn turn)
    {
        var result = turn.Knowledge.Evaluate(turn.State.Programme!, turn.State.Answers);
        var programme = turn.Knowledge.FindProgramme(result.ProgrammeId)!;
        var name = turn.T(programme.NameKey);
        turn.Say(result.Outcome switch
        {
            PreScreenOutcome.LikelyEligible => "outcome.likely_eligible",
            PreScreenOutcome.LikelyNotEligible => "outcome.likely_not_eligible",
            _ => "outcome.unclear",
        }, ("programme", name));
        if (result.Findings.Count > 0)
        {
            turn.SayText(turn.T("outcome.reasons") + "\n" + string.Join("\n", result.Findings.Select(f => Mark(f.Effect) + " " + turn.T(f.ReasonKey))));
        }

        if (result.Outcome != PreScreenOutcome.LikelyNotEligible && result.PossibleHelp.Count > 0)
        {
            turn.SayText(turn.T("outcome.help") + "\n" + string.Join("\n", result.PossibleHelp.Select(f => "• " + turn.T(f.TextKey))));
        }

        var sources = result.Findings.Select(f => f.Source).Concat(result.PossibleHelp.Select(f => f.Source)).Distinct(StringComparer.Ordinal);
        turn.Say("outcome.footer", ("version", result.ContentVersion), ("sources", string.Join("; ", sources)));
        RequestHandoffOffer(turn);
    }

    private static string Mark(PreScreenOutcome effect) => effect switch
    {
        PreScreenOutcome.LikelyEligible => "✓",
        PreScreenOutcome.LikelyNotEligible => "✗",
        _ => "?",
    };

    private static List<ReplyChoice> OfferChoices(Turn turn) =>
    [
        new("handoff:yes", turn.T("common.yes")),
        new("handoff:no", turn.T("common.no")),
    ];

    private static void RequestHandoffOffer(Turn turn)
    {
        turn.Say("outcome.offer");
        turn.Offer(OfferChoices(turn));
        turn.State.Step = Step.Outcome;
    }

    private static void OnOutcome(Turn turn, string? text)
    {
        switch (ChoiceMatcher.Match(OfferChoices(turn), turn.Input.Value, text)?.Value)
        {
            case "handoff:yes":
                RequestHandoff(turn, HandoffUrgency.Normal, "follow-up of the pre-screen");
                break;
            case "handoff:no":
                turn.Say("handoff.declined");
                ShowMenu(turn);
                break;
            default:
                Reprompt(turn);
                break;
        }
    }

    /// <summary>Everything kept about the person, in plain words, with the way to delete it.</summary>
    private static void ShowMyData(Turn turn)
    {
        var state = turn.State;
        var items = new List<string> { turn.T("data.item_language", ("language", turn.Knowledge.FindLanguage(turn.Language)?.NativeName ?? turn.Language)) };
        if (state.Consent is { } consent)
        {
            items.Add(turn.T(consent.Given ? "data.item_consent_given" : "data.item_consent_declined", ("date", consent.At.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))));
        }

        items.Add(turn.T(state.ConsentGiven ? "data.item_messages" : "data.item_no_messages"));
        if (state.ConsentGiven && state.Answers.Count > 0)
        {
            items.Add(turn.T("data.item_answers", ("answers", string.Join("; ", state.Answers.Select(a => AnswerLine(turn, a.Key, a.Value))))));
        }

        if (state.Flags.Count > 0)
        {
            items.Add(turn.T("data.item_flags"));
        }

        switch (turn.Input.Case)
        {
            case CaseStatus.Waiting:
                items.Add(turn.T("data.item_case_waiting"));
                break;
            case CaseStatus.WithCounsellor:
                items.Add(turn.T("data.item_case_active"));
                break;
        }

        if (turn.Input.Channel is "whatsapp" or "telegram")
        {
            items.Add(turn.T("data.item_address_" + turn.Input.Channel));
        }

        turn.Say("data.summary", ("items", string.Join("\n", items.Select(i => "• " + i))));
        turn.Offer([new ReplyChoice("data:delete", turn.T("data.delete")), new ReplyChoice("nav:menu", turn.T("common.menu"))]);
        turn.State.Step = Step.ConfirmDelete;
    }

    /// <summary>"Question: answer" with both as the person saw them (the host country question included).</summary>
    private static string AnswerLine(Turn turn, string questionId, string answer)
    {
        var prompt = questionId == HostCountryQuestion ? turn.T("q.host_country") : turn.Knowledge.FindQuestion(questionId) is { } question ? turn.T(question.PromptKey) : questionId;
        var label = AnswerChoices(turn, questionId).FirstOrDefault(c => c.Value == "ans:" + answer)?.Title ?? answer;
        return $"{prompt} {label}";
    }

    private static void AskDelete(Turn turn)
    {
        turn.Say("data.delete_confirm");
        turn.Offer([new ReplyChoice("delete:yes", turn.T("common.yes")), new ReplyChoice("delete:no", turn.T("common.no"))]);
        turn.State.Step = Step.ConfirmDelete;
    }

    private static List<ReplyChoice> DeleteChoices(Turn turn) =>
    [
        new("delete:yes", turn.T("common.yes")),
        new("delete:no", turn.T("common.no")),
        new("data:delete", turn.T("data.delete")),
        new("nav:menu", turn.T("common.menu")),
    ];

    private static void OnConfirmDelete(Turn turn, string? text)
    {
        switch (ChoiceMatcher.Match(DeleteChoices(turn), turn.Input.Value, text)?.Value)
        {
            case "data:delete":
                AskDelete(turn);
                break;
            case "delete:yes":
                var language = turn.State.Language;
                Reset(turn.State, keepLanguage: false);
                turn.Signal(new EraseRequested());
                // Said in the language the person used; the state no longer remembers it.
                turn.State.Language = language;
                turn.Say("data.deleted");
                turn.State.Language = null;
                break;
            case "delete:no":
                turn.Say("data.kept");
                if (turn.Input.Case == CaseStatus.WithCounsellor)
                {
                    // The counsellor's conversation goes on; the menu would be the bot speaking out of turn.
                    turn.State.Step = Step.Menu;
                }
                else
                {
                    ShowMenu(turn);
                }

                break;
            case "nav:menu":
                ShowMenu(turn);
                break;
            default:
                Reprompt(turn);
                break;
        }
    }

    // ---- Interruptions: commands, safeguarding, hand-off --------------------------------------------------------

    private static void RunCommand(Turn turn, GlobalCommand command)
    {
        var state = turn.State;
        state.Retries = 0;
        switch (command)
        {
            case GlobalCommand.Help:
                turn.Say("help.text");
                RenderCurrent(turn);
                break;
            case GlobalCommand.Menu:
                if (state.Language is null)
                {
                    AskLanguage(turn, Detect(turn));
                }
                else
                {
                    ShowMenu(turn);
                }

                break;
            case GlobalCommand.Back:
                GoBack(turn);
                break;
            case GlobalCommand.Restart:
                Reset(state, keepLanguage: true);
                turn.Say("restart.done");
                if (state.Language is null)
                {
                    AskLanguage(turn, Detect(turn));
                }
                else
                {
                    AskConsent(turn);
                }

                break;
            case GlobalCommand.Language:
                Push(turn);
                AskLanguage(turn, null);
                break;
            case GlobalCommand.Counsellor:
                RequestHandoff(turn, HandoffUrgency.Normal, "asked for a counsellor");
                break;
            case GlobalCommand.Stop:
                turn.Say("stop.confirm");
                state.OptedOut = true;
                turn.Signal(new OptedOut());
                break;
            case GlobalCommand.DeleteMyData:
                AskDelete(turn);
                break;
        }
    }

    private static void Safeguard(Turn turn, SafeguardingCategory category)
    {
        var state = turn.State;
        var country = state.Programme is { } programme ? turn.Knowledge.FindProgramme(programme)?.HostCountry : null;
        var contacts = country is null ? [] : turn.Knowledge.Contacts(country);
        var emergency = contacts.FirstOrDefault(c => c.Kind == ContactKind.Emergency)?.Phone ?? turn.T("safeguarding.generic_emergency");
        var others = contacts.Where(c => c.Kind != ContactKind.Emergency).Select(c => $"{turn.T(c.NameKey)}: {c.Phone}").ToList();
        turn.Say("safeguarding.message", ("emergency", emergency), ("contacts", others.Count == 0 ? "" : string.Join("\n", others) + "\n"));
        if (!state.Flags.Contains(category.ToString()))
        {
            state.Flags.Add(category.ToString());
        }

        // Urgent hand-off every time: a new disclosure matters even if a counsellor was asked before.
        turn.Signal(new HandoffRequested(HandoffUrgency.Urgent, "safeguarding: " + category, Summary(turn, HandoffUrgency.Urgent, "safeguarding: " + category)));
        state.HandoffRequested = true;
        turn.Offer(MenuChoices(turn));
        state.Step = Step.Menu;
        state.Question = null;
    }

    private static void RequestHandoff(Turn turn, HandoffUrgency urgency, string reason)
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

        turn.Offer(MenuChoices(turn));
        state.Step = Step.Menu;
        state.Question = null;
    }

    private static string Summary(Turn turn, HandoffUrgency urgency, string reason)
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

    // ---- Navigation --------------------------------------------------------------------------------------------

    private static void Push(Turn turn)
    {
        var back = turn.State.Back;
        back.Add(turn.State.Step == Step.Question ? "question:" + turn.State.Question : turn.State.Step.ToString());
        if (back.Count > 20)
        {
            back.RemoveAt(0);
        }
    }

    private static void GoBack(Turn turn)
    {
        var back = turn.State.Back;
        if (back.Count == 0)
        {
            ShowMenu(turn);
            return;
        }

        var previous = back[^1];
        back.RemoveAt(back.Count - 1);
        if (previous.StartsWith("question:", StringComparison.Ordinal))
        {
            var questionId = previous["question:".Length..];
            turn.State.Answers.Remove(questionId);
            if (questionId == HostCountryQuestion || !turn.State.ConsentGiven || turn.State.Programme is null)
            {
                StartCheck(turn);
            }
            else
            {
                Ask(turn, questionId);
            }

            return;
        }

        turn.State.Step = Enum.TryParse<Step>(previous, out var step) ? step : Step.Menu;
        RenderCurrent(turn);
    }

    /// <summary>Shows the current step again (after help, a misunderstanding, or going back).</summary>
    private static void RenderCurrent(Turn turn)
    {
        var state = turn.State;
        switch (state.Step)
        {
            case Step.Language: AskLanguage(turn, null); break;
            case Step.Consent: AskConsent(turn); break;
            case Step.Learn: ShowLearn(turn); break;
            case Step.Question when state.Question is { } question && (question == HostCountryQuestion || turn.Knowledge.FindQuestion(question) is not null): Ask(turn, question); break;
            case Step.Outcome: RequestHandoffOffer(turn); break;
            case Step.ConfirmDelete: AskDelete(turn); break;
            case Step.NeedConsent: StartCheck(turn); break;
            default:
                if (state.Language is null)
                {
                    AskLanguage(turn, null);
                }
                else
                {
                    ShowMenu(turn);
                }

                break;
        }
    }

    private static string Invariant(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";

    /// <summary>Like <see cref="Reprompt"/>, with a message that says what a valid answer looks like.</summary>
    private static void RepromptWith(Turn turn, string key, params (string Name, string Value)[] args)
    {
        turn.State.Retries++;
        if (turn.State.Retries >= MaxRetries)
        {
            turn.State.Retries = 0;
            turn.Say("reprompt.limit");
            ShowMenu(turn);
            return;
        }

        turn.Say(key, args);
        RenderCurrent(turn);
    }

    private static void Reprompt(Turn turn)
    {
        var state = turn.State;
        state.Retries++;
        if (state.Retries >= MaxRetries && state.Language is not null)
        {
            state.Retries = 0;
            turn.Say("reprompt.limit");
            ShowMenu(turn);
            return;
        }

        if (state.Language is null)
        {
            var detected = Detect(turn);
            InLanguage(turn, detected, () => turn.Say("reprompt.choice"));
            AskLanguage(turn, detected);
            return;
        }

        turn.Say("reprompt.choice");
        RenderCurrent(turn);
    }

    private static void Reset(IntakeState state, bool keepLanguage)
    {
        var language = keepLanguage ? state.Language : null;
        var consent = keepLanguage ? state.Consent : null;
        state.Answers.Clear();
        state.Back.Clear();
        state.Flags.Clear();
        state.Programme = null;
        state.Question = null;
        state.HandoffRequested = false;
        state.Retries = 0;
        state.FallbackNoted = false;
        state.Language = language;
        state.Consent = consent;
        state.Step = Step.Language;
        state.ContentVersion = null;
        state.Greeted = keepLanguage && language is not null;
    }

    /// <summary>A likely language from the channel locale or the script of the first text.</summary>
    private static string? Detect(Turn turn)
    {
        var text = turn.Input.Text ?? "";
        if (text.Any(c => c is 'پ' or 'چ' or 'ژ' or 'گ' or 'ی' or 'ک'))
        {
            return turn.Knowledge.FindLanguage("fa")?.Code;
        }

        var locale = turn.Knowledge.FindLanguage(turn.Input.ChannelLocale ?? "");
        if (text.Any(c => c is >= '\u0600' and <= '\u06FF'))
        {
            // Arabic script is shared: a Farsi, Pashto or Urdu device locale wins over plain Arabic.
            return locale is { RightToLeft: true } ? locale.Code : turn.Knowledge.FindLanguage("ar")?.Code;
        }

        return locale?.Code;
    }
}
