using System.Globalization;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Avrr.Knowledge.Tests.Retrieval;

/// <summary>A question of the test corpus and the articles that answer it (none: nothing should be shown).</summary>
internal sealed record CorpusQuestion(string Language, string Text, IReadOnlyList<string> Answers);

/// <summary>What the bot did with one question, judged against the corpus.</summary>
internal enum Verdict
{
    /// <summary>The first article offered answers it (or, for a question without an answer, nothing was offered).</summary>
    Right,

    /// <summary>Nothing was offered for a question that has an answer: the person gets the topics and a counsellor.</summary>
    Unanswered,

    /// <summary>An article was offered, as the answer or in a choice of two, and none of those offered answers it.</summary>
    Wrong,

    /// <summary>A choice of two whose second, not first, answers it: the person still finds it, but it is not top-1.</summary>
    SecondChoice,
}

/// <summary>Per language: questions, top-1 accuracy over answerable ones, and the share of all that got a wrong article.</summary>
internal sealed record LanguageScore(string Language, int Questions, int Answerable, int Right, int Wrong, int Unanswered, int SecondChoice)
{
    public double Accuracy => Answerable == 0 ? 1 : RightAnswerable / (double)Answerable;

    public double WrongRate => Questions == 0 ? 0 : Wrong / (double)Questions;

    public int RightAnswerable { get; init; }
}

internal static class QuestionCorpus
{
    public static IReadOnlyList<CorpusQuestion> All { get; } = Load();

    private static List<CorpusQuestion> Load()
    {
        var result = new List<CorpusQuestion>();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Retrieval"), "questions.*.yaml").Order(StringComparer.Ordinal))
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(File.ReadAllText(file)));
            foreach (var (language, questions) in ((YamlMappingNode)stream.Documents[0].RootNode).Children)
            {
                foreach (YamlMappingNode entry in (YamlSequenceNode)questions)
                {
                    var text = ((YamlScalarNode)entry["q"]).Value!;
                    var answers = ((YamlSequenceNode)entry["a"]).Select(a => ((YamlScalarNode)a).Value!).ToList();
                    result.Add(new CorpusQuestion(((YamlScalarNode)language).Value!, text, answers));
                }
            }
        }

        return result;
    }

    public static Verdict Judge(CorpusQuestion question, QuestionAnswer answer)
    {
        var offered = answer.Matches.Select(m => m.Article.Id).ToList();
        if (offered.Count == 0)
        {
            return question.Answers.Count == 0 ? Verdict.Right : Verdict.Unanswered;
        }

        if (question.Answers.Contains(offered[0]))
        {
            return Verdict.Right;
        }

        return offered.Any(question.Answers.Contains) ? Verdict.SecondChoice : Verdict.Wrong;
    }

    public static List<LanguageScore> Score(IKnowledgeSnapshot knowledge, IEnumerable<CorpusQuestion> questions) =>
        questions.GroupBy(q => q.Language, StringComparer.Ordinal)
            .Select(g =>
            {
                var verdicts = g.Select(q => (q, Judge(q, knowledge.AnswerQuestion(q.Language, q.Text)))).ToList();
                return new LanguageScore(
                    g.Key,
                    verdicts.Count,
                    verdicts.Count(v => v.q.Answers.Count > 0),
                    verdicts.Count(v => v.Item2 == Verdict.Right),
                    verdicts.Count(v => v.Item2 == Verdict.Wrong),
                    verdicts.Count(v => v.Item2 == Verdict.Unanswered),
                    verdicts.Count(v => v.Item2 == Verdict.SecondChoice))
                {
                    RightAnswerable = verdicts.Count(v => v.q.Answers.Count > 0 && v.Item2 == Verdict.Right),
                };
            })
            .OrderBy(s => s.Language, StringComparer.Ordinal)
            .ToList();

    public static string Report(IReadOnlyList<LanguageScore> scores)
    {
        var report = new StringBuilder("language | questions | answerable | top-1 accuracy | wrong article | unanswered | second of two\n");
        foreach (var s in scores)
        {
            report.Append(CultureInfo.InvariantCulture, $"{s.Language} | {s.Questions} | {s.Answerable} | {s.Accuracy:P0} | {s.WrongRate:P1} | {s.Unanswered} | {s.SecondChoice}\n");
        }

        var all = scores.Sum(s => s.Questions);
        var answerable = scores.Sum(s => s.Answerable);
        report.Append(CultureInfo.InvariantCulture, $"all | {all} | {answerable} | {scores.Sum(s => s.RightAnswerable) / (double)answerable:P1} | {scores.Sum(s => s.Wrong) / (double)all:P1} | {scores.Sum(s => s.Unanswered)} | {scores.Sum(s => s.SecondChoice)}\n");
        return report.ToString();
    }
}
