using Xunit.Abstractions;

namespace Avrr.Knowledge.Tests.Retrieval;

/// <summary>
/// The retrieval quality bar, on the test corpus (questions.*.yaml, kept apart from the content's example questions):
/// in every complete language top-1 accuracy of at least 90 % and a wrong-article rate of at most 2 %.
/// </summary>
public sealed class RetrievalQualityTests(ITestOutputHelper output)
{
    private static IKnowledgeSnapshot K => ShippedContent.Snapshot;

    [Fact]
    public void Every_complete_language_has_at_least_ten_corpus_questions_with_an_answer()
    {
        var counts = QuestionCorpus.All.Where(q => q.Answers.Count > 0).GroupBy(q => q.Language).ToDictionary(g => g.Key, g => g.Count());

        foreach (var language in K.Languages)
        {
            Assert.True(counts.GetValueOrDefault(language.Code) >= 10, $"{language.Code}: {counts.GetValueOrDefault(language.Code)} corpus questions with an answer");
        }
    }

    [Fact]
    public void Every_complete_language_reaches_90_percent_top1_and_at_most_2_percent_wrong()
    {
        var scores = QuestionCorpus.Score(K, QuestionCorpus.All);
        output.WriteLine(QuestionCorpus.Report(scores));
        foreach (var question in QuestionCorpus.All)
        {
            var answer = K.AnswerQuestion(question.Language, question.Text);
            var verdict = QuestionCorpus.Judge(question, answer);
            if (verdict != Verdict.Right)
            {
                output.WriteLine($"{verdict} {question.Language} \"{question.Text}\" → {answer.Kind} [{string.Join(", ", answer.Matches.Select(m => m.Article.Id))}] expected [{string.Join(", ", question.Answers)}]");
            }
        }

        Assert.All(scores, s =>
        {
            Assert.True(s.Accuracy >= 0.9, $"{s.Language}: top-1 accuracy {s.Accuracy:P0}");
            Assert.True(s.WrongRate <= 0.02, $"{s.Language}: wrong-article rate {s.WrongRate:P1}");
        });
    }
}
