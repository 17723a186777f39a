using Avrr.Dialogs.Intake;
using Avrr.Knowledge;

namespace Avrr.Dialogs.Tests;

/// <summary>Typed questions: one article when one fits, a choice of two, or the topics and a counsellor; never a dead end.</summary>
public sealed class TypedQuestionTests
{
    /// <summary>Questions that straddle two articles; the test takes the first the shipped content offers as a choice.</summary>
    private static readonly string[] Candidates =
    [
        "what help is there for my passport",
        "help with documents and the ticket",
        "what happens at the airport after I arrive",
        "support for children after return",
        "money for the journey and after arrival",
    ];

    private static Transcript AtTheMenu()
    {
        var t = new Transcript("en-GB");
        t.Join();
        t.Send("English");
        t.Send(t.S("consent.yes")).Says("menu.prompt");
        return t;
    }

    private static IReadOnlyList<ReplyChoice> Offered(Transcript t) => t.Last.Replies[^1].Choices;

    [Fact]
    public void A_confident_match_shows_the_article()
    {
        var t = AtTheMenu();

        t.Send("who buys the plane ticket for me");

        Assert.Contains(Transcript.Knowledge.Current.FindArticle("travel", "en")!.Title, t.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(t.Last.Signals, s => s is QuestionUnanswered);
    }

    [Fact]
    public void Two_close_matches_are_offered_as_a_choice_and_a_number_picks_one()
    {
        var knowledge = Transcript.Knowledge.Current;
        var question = Candidates.First(q => knowledge.AnswerQuestion("en", q).Kind == AnswerKind.Choice);
        var expected = knowledge.AnswerQuestion("en", question).Matches.Select(m => m.Article).ToList();
        var t = AtTheMenu();

        t.Send(question).Says("learn.which");

        var offered = Offered(t);
        Assert.Equal(expected.Select(a => Choices.ArticlePrefix + a.Id), offered.Take(2).Select(c => c.Value));
        Assert.Equal([Choices.MenuCounsellor, Choices.BackToMenu], offered.Skip(2).Select(c => c.Value));

        t.Send("2");

        Assert.Contains(expected[1].Title, t.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void No_match_offers_the_topics_and_a_counsellor_and_the_counsellor_is_one_tap_away()
    {
        var t = AtTheMenu();

        t.Send("where can I buy a cheap phone charger").Says("info.not_found");
        var unanswered = Assert.Single(t.Last.Signals.OfType<QuestionUnanswered>());
        Assert.Equal("en", unanswered.Language);

        var offered = Offered(t).Select(c => c.Value).ToList();
        foreach (var article in Transcript.Knowledge.Current.LearnArticles("en"))
        {
            Assert.Contains(Choices.ArticlePrefix + article.Id, offered);
        }

        Assert.Contains(Choices.MenuCounsellor, offered);
        t.Send(t.S("menu.counsellor"));
        Assert.Contains(t.Last.Signals, s => s is HandoffRequested);
    }

    [Fact]
    public void Safeguarding_runs_before_a_question_is_matched()
    {
        var t = AtTheMenu();

        t.Send("my boss took my passport and they forced me to work, can I get a new passport");

        Assert.Contains(t.Last.Signals, s => s is HandoffRequested { Urgency: HandoffUrgency.Urgent });
    }
}
