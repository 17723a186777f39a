using Avrr.Knowledge;

namespace Avrr.Dialogs.Intake.Steps;

/// <summary>"About voluntary return": the articles of the learn menu, and questions typed in free text.</summary>
internal sealed class LearnStep : IStep
{
    public Step Id => Step.Learn;

    public void Render(Turn turn) => Show(turn);

    private static List<ReplyChoice> Options(Turn turn)
    {
        // After a choice of two for a typed question, those two come first, so "1" and "2" mean them.
        var suggested = (turn.State.Suggested ?? []).Select(id => turn.Knowledge.FindArticle(id, turn.Language)).OfType<Article>();
        return suggested.Concat(turn.Knowledge.LearnArticles(turn.Language))
            .DistinctBy(a => a.Id)
            .Select(a => new ReplyChoice(Choices.ArticlePrefix + a.Id, a.Title))
            .Append(new ReplyChoice(Choices.MenuCounsellor, turn.T("menu.counsellor")))
            .Append(new ReplyChoice(Choices.BackToMenu, turn.T("common.menu")))
            .ToList();
    }

    public static void Show(Turn turn)
    {
        turn.State.Suggested = null;
        turn.Say("learn.prompt");
        turn.Offer(Options(turn));
        turn.State.Step = Step.Learn;
    }

    public void Handle(Turn turn, string? text)
    {
        var chosen = ChoiceMatcher.Match(Options(turn), turn.Input.Value, text)?.Value;
        turn.State.Suggested = null;
        if (chosen == Choices.BackToMenu)
        {
            MenuStep.Show(turn);
        }
        else if (chosen == Choices.MenuCounsellor)
        {
            Handoff.Request(turn, HandoffUrgency.Normal, "asked for a counsellor");
        }
        else if (chosen is not null && turn.Knowledge.FindArticle(chosen[Choices.ArticlePrefix.Length..], turn.Language) is { } article)
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
        if (article.IsFallback && article.MachineTranslationAllowed && article.Language != turn.Language)
        {
            if (turn.Input.ArticleTranslation is { } translated && translated.Id == article.Id && translated.Language == turn.Language)
            {
                // Always marked: a machine translation is never passed off as curated content.
                turn.SayText(translated.Title + "\n\n" + translated.Body, false, turn.Language);
                turn.Say("info.machine_translated");
                Close(turn, article);
                return;
            }

            if (turn.Input.ArticleTranslation is null)
            {
                turn.Signal(new ArticleTranslationWanted(article.Id, article.Language, turn.Language));
            }
        }

        turn.SayText(article.Title + "\n\n" + article.BodyMarkdown, article.IsFallback, article.Language);
        Close(turn, article);
    }

    private static void Close(Turn turn, Article article)
    {
        turn.Say("info.source", ("source", article.Source), ("date", ReadableDate.Format(article.LastVerified, turn.Language)));
        turn.Offer(Options(turn));
        turn.State.Step = Step.Learn;
        turn.State.Retries = 0;
    }

    /// <summary>
    /// Free text is a question: one article when one fits, a choice of two when two fit about as well, and otherwise the
    /// topics and a counsellor, never a dead end. Safeguarding and commands were looked at before this (Interruptions).
    /// </summary>
    public static void AnswerFreeText(Turn turn, string? text)
    {
        if (TextFolding.Words(text).Length < 2)
        {
            Flow.Reprompt(turn);
            return;
        }

        var answer = turn.Knowledge.AnswerQuestion(turn.Language, text ?? "");

        // Matched through a machine translation, but answered from the curated articles in the person's language (or
        // the fallback, with its notice): the translation only finds the article, it never becomes the answer.
        var source = turn.Knowledge.SourceLanguage;
        if (answer.Kind == AnswerKind.NoMatch && turn.Input.TextInSourceLanguage is { } translated)
        {
            var viaTranslation = turn.Knowledge.AnswerQuestion(source, translated);
            var found = viaTranslation.Matches.Select(m => turn.Knowledge.FindArticle(m.Article.Id, turn.Language)).OfType<Article>().ToList();
            if (viaTranslation.Kind != AnswerKind.NoMatch && found.Count == viaTranslation.Matches.Count)
            {
                answer = viaTranslation with { Matches = found.Zip(viaTranslation.Matches, (article, match) => match with { Article = article }).ToList() };
            }
        }

        switch (answer.Kind)
        {
            case AnswerKind.Confident:
                ShowArticle(turn, answer.Matches[0].Article);
                return;
            case AnswerKind.Choice:
                turn.State.Suggested = answer.Matches.Select(m => m.Article.Id).ToList();
                turn.Say("learn.which");
                var options = Options(turn);
                turn.Offer([.. options.Take(answer.Matches.Count), .. options.TakeLast(2)]);
                turn.State.Step = Step.Learn;
                return;
        }

        if (turn.Input.TextInSourceLanguage is null && turn.Language != source && text is not null)
        {
            turn.Signal(new TranslationWanted(text, turn.Language));
        }

        turn.Signal(new QuestionUnanswered(turn.Language, answer.NearestTopic));
        turn.Say("info.not_found");
        turn.Offer(Options(turn));
        turn.State.Step = Step.Learn;
    }
}
