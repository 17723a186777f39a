using Avrr.Knowledge;

namespace Avrr.Dialogs.Intake.Steps;

/// <summary>"About voluntary return": the articles of the learn menu, and questions typed in free text.</summary>
internal sealed class LearnStep : IStep
{
    public Step Id => Step.Learn;

    public void Render(Turn turn) => Show(turn);

    private static List<ReplyChoice> Options(Turn turn) =>
        turn.Knowledge.LearnArticles(turn.Language)
            .Select(a => new ReplyChoice(Choices.ArticlePrefix + a.Id, a.Title))
            .Append(new ReplyChoice(Choices.BackToMenu, turn.T("common.menu")))
            .ToList();

    public static void Show(Turn turn)
    {
        turn.Say("learn.prompt");
        turn.Offer(Options(turn));
        turn.State.Step = Step.Learn;
    }

    public void Handle(Turn turn, string? text)
    {
        var chosen = ChoiceMatcher.Match(Options(turn), turn.Input.Value, text)?.Value;
        if (chosen == Choices.BackToMenu)
        {
            MenuStep.Show(turn);
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

    /// <summary>Free text is a question: answer from the curated articles, or offer a person when nothing fits.</summary>
    public static void AnswerFreeText(Turn turn, string? text)
    {
        if (TextFolding.Words(text).Length < 2)
        {
            Flow.Reprompt(turn);
            return;
        }

        if (turn.Knowledge.SearchArticles(turn.Language, text ?? "", 1) is [var best])
        {
            ShowArticle(turn, best.Article);
            return;
        }

        // Matched through a machine translation, but answered from the curated article in the person's language
        // (or the fallback, with its notice): the translation only finds the article, it never becomes the answer.
        var source = turn.Knowledge.SourceLanguage;
        if (turn.Input.TextInSourceLanguage is { } translated
            && turn.Knowledge.SearchArticles(source, translated, 1) is [var viaTranslation]
            && turn.Knowledge.FindArticle(viaTranslation.Article.Id, turn.Language) is { } article)
        {
            ShowArticle(turn, article);
            return;
        }

        if (turn.Input.TextInSourceLanguage is null && turn.Language != source && text is not null)
        {
            turn.Signal(new TranslationWanted(text, turn.Language));
        }

        turn.Say("info.not_found");
        turn.Offer([new ReplyChoice(Choices.MenuCounsellor, turn.T("menu.counsellor")), new ReplyChoice(Choices.BackToMenu, turn.T("common.menu"))]);
        turn.State.Step = Step.Menu;
    }
}
