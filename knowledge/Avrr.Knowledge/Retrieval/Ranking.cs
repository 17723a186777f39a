namespace Avrr.Knowledge.Retrieval;

/// <summary>How the fields weigh against each other, and when an answer is confident (docs/retrieval.md).</summary>
/// <param name="MinScore">The score the best article must reach to be offered at all.</param>
/// <param name="ChoiceRatio">A second article scoring at least this share of the first is offered beside it.</param>
/// <param name="MinChoiceScore">
/// The score the best article must reach for two close articles to be offered: when nothing stands out, a low score
/// spread over several articles is noise (a question about a football match shares one word with each of them).
/// </param>
internal sealed record Ranking(double TitleWeight, double KeywordWeight, double ExampleWeight, double BodyWeight, double FuzzyWeight, double GramWeight, double MinScore, double ChoiceRatio, double MinChoiceScore)
{
    /// <summary>Words this long or longer also match words one edit away ("pasport", "adimlar").</summary>
    internal const int FuzzyFrom = 5;

    /// <summary>The weights and thresholds in use, as measured (docs/retrieval.md, RetrievalCalibrationTests).</summary>
    public static Ranking Measured { get; } = new(TitleWeight: 1, KeywordWeight: 5, ExampleWeight: 1, BodyWeight: 0.5, FuzzyWeight: 0.5, GramWeight: 0.2, MinScore: 10, ChoiceRatio: 0.7, MinChoiceScore: 12);

    public double FieldWeight(string field) => field switch
    {
        "title" => TitleWeight,
        "keywords" => KeywordWeight,
        "examples" => ExampleWeight,
        _ => BodyWeight,
    };

    /// <summary>Confident, a choice of two, or nothing, from the ranked articles of one question.</summary>
    public QuestionAnswer Decide(IReadOnlyList<RankedArticle> ranked)
    {
        if (ranked.Count == 0)
        {
            return QuestionAnswer.None;
        }

        var top = ranked[0];
        if (top.Score < MinScore)
        {
            return new QuestionAnswer(AnswerKind.NoMatch, [], top.Article.Topic);
        }

        if (ranked.Count > 1 && ranked[1].Score >= ChoiceRatio * top.Score)
        {
            if (top.Score < MinChoiceScore)
            {
                return new QuestionAnswer(AnswerKind.NoMatch, [], top.Article.Topic);
            }

            return new QuestionAnswer(AnswerKind.Choice, [new(top.Article, top.Score), new(ranked[1].Article, ranked[1].Score)], top.Article.Topic);
        }

        return new QuestionAnswer(AnswerKind.Confident, [new(top.Article, top.Score)], top.Article.Topic);
    }
}
