using Avrr.Bot.Translation;
using Avrr.Dialogs;

namespace Avrr.Bot.Turns;

/// <summary>
/// The dialog can ask for a machine translation it cannot make itself (it is pure): a question to match against the
/// source articles, or an article the administrator allows to be shown machine-translated. The turn is rolled back,
/// the text translated outside the transaction, and the turn run again with the result (or with an empty one, after
/// which the dialog answers as it would without translation). Never more than once per kind and message.
/// </summary>
internal sealed partial class TurnPipeline
{
    /// <summary>How long a person waits for a translation the dialog asked for, before they are answered without it.</summary>
    private static readonly TimeSpan DialogTranslationBudget = TimeSpan.FromSeconds(4);

    private DialogSignal? TranslationToAsk(InboundMessage message, IReadOnlyList<DialogSignal> signals)
    {
        if (!_translator.Enabled)
        {
            return null;
        }

        return signals.FirstOrDefault(s => s is TranslationWanted && message.TextInSourceLanguage is null || s is ArticleTranslationWanted && message.ArticleTranslation is null);
    }

    private async Task<InboundMessage> TranslateForDialogAsync(InboundMessage message, DialogSignal wanted, CancellationToken ct)
    {
        // Outside the transaction, still in the conversation's turn: this person's next message waits, no one else does.
        using var budget = new CancellationTokenSource(DialogTranslationBudget, _time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct, budget.Token);
        try
        {
            switch (wanted)
            {
                case TranslationWanted question:
                    var translated = await _translator.TranslateAsync(question.Text, question.Language, _knowledge.Current.SourceLanguage, TextKind.PersonMessage, bounded.Token);
                    return message with { TextInSourceLanguage = translated.Translated ? translated.Text : "" };

                case ArticleTranslationWanted article when _knowledge.Current.FindArticle(article.ArticleId, article.From) is { } original:
                    // Public content: translated once per language, then served from the translation memory.
                    var title = await _translator.TranslateAsync(original.Title, article.From, article.To, TextKind.Content, bounded.Token);
                    var body = await _translator.TranslateAsync(original.BodyMarkdown, article.From, article.To, TextKind.Content, bounded.Token);
                    return message with
                    {
                        ArticleTranslation = title.Translated && body.Translated
                            ? new TranslatedArticle(article.ArticleId, article.To, title.Text, body.Text)
                            : new TranslatedArticle(article.ArticleId, "", "", ""),
                    };
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Took too long: answered without it.
        }

        return wanted is TranslationWanted
            ? message with { TextInSourceLanguage = "" }
            : message with { ArticleTranslation = new TranslatedArticle("", "", "", "") };
    }
}
