namespace Avrr.Knowledge.Tests;

public sealed class EligibilityTests
{
    private static IKnowledgeSnapshot K => ShippedContent.Snapshot;

    private static Dictionary<string, string> Answers(params (string Question, string Answer)[] answers) =>
        answers.ToDictionary(a => a.Question, a => a.Answer);

    [Fact]
    public void Germany_without_means_and_no_exclusion_is_likely_eligible_with_the_reasons_and_sources()
    {
        var result = K.Evaluate("de", Answers(("status", "asylum_rejected"), ("eu_national", "no"), ("means", "no"), ("prison", "no"), ("safety", "no")));

        Assert.Equal(PreScreenOutcome.LikelyEligible, result.Outcome);
        var means = Assert.Single(result.Findings);
        Assert.Equal("de.means", means.RuleId);
        Assert.Equal("BAMF: REAG/GARP eligibility (https://www.bamf.de/EN/Rueckkehr/Rueckkehrprogramme/FoerderprogrammREAGGARP/Anspruch/anspruch-node.html)", means.Source);
        Assert.Equal(K.Version, result.ContentVersion);
        Assert.NotEmpty(result.PossibleHelp);
    }

    [Fact]
    public void Germany_for_an_eu_citizen_is_likely_not_eligible()
    {
        var result = K.Evaluate("de", Answers(("eu_national", "yes"), ("means", "no"), ("prison", "no"), ("safety", "no")));

        Assert.Equal(PreScreenOutcome.LikelyNotEligible, result.Outcome);
        Assert.Contains(result.Findings, f => f.RuleId == "de.eu_national" && f.Effect == PreScreenOutcome.LikelyNotEligible);
    }

    [Fact]
    public void Germany_keeps_its_exception_for_an_eu_citizen_who_discloses_trafficking()
    {
        var result = K.Evaluate("de", Answers(("eu_national", "yes"), ("means", "no"), ("prison", "no"), ("safety", "yes")));

        Assert.Equal(PreScreenOutcome.LikelyEligible, result.Outcome);
        Assert.DoesNotContain(result.Findings, f => f.RuleId == "de.eu_national");
    }

    [Fact]
    public void Help_for_going_to_another_country_is_shown_only_to_someone_who_chose_another_country()
    {
        var third = K.Evaluate("nl", Answers(("destination", "third_country"), ("means", "no")));
        var origin = K.Evaluate("nl", Answers(("destination", "origin"), ("means", "no")));

        Assert.Contains(third.PossibleHelp, f => f.Id == "nl.third_country");
        Assert.DoesNotContain(origin.PossibleHelp, f => f.Id == "nl.third_country");
    }

    [Fact]
    public void Belgium_and_Cyprus_have_no_means_test_because_their_sources_state_none()
    {
        foreach (var programme in new[] { "be", "cy" })
        {
            var result = K.Evaluate(programme, Answers(("status", "no_permit"), ("health", "no"), ("safety", "no"), ("minor", "no")));

            Assert.Equal(PreScreenOutcome.LikelyEligible, result.Outcome);
            Assert.Empty(result.Findings);
            Assert.DoesNotContain("means", K.FindProgramme(programme)!.QuestionIds);
        }
    }

    [Fact]
    public void Dont_know_on_a_deciding_question_makes_the_outcome_unclear()
    {
        var result = K.Evaluate("de", Answers(("eu_national", "no"), ("means", SpecialAnswers.DontKnow), ("prison", "no")));

        Assert.Equal(PreScreenOutcome.Unclear, result.Outcome);
    }

    [Fact]
    public void Netherlands_outcomes_of_each_kind()
    {
        Assert.Equal(PreScreenOutcome.LikelyEligible, K.Evaluate("nl", Answers(("status", "no_permit"), ("means", "no"), ("previous_return", "no"), ("travel_document", "can_get"))).Outcome);
        Assert.Equal(PreScreenOutcome.LikelyNotEligible, K.Evaluate("nl", Answers(("status", "no_permit"), ("means", "no"), ("previous_return", "yes"), ("travel_document", "yes"))).Outcome);
        Assert.Equal(PreScreenOutcome.Unclear, K.Evaluate("nl", Answers(("status", "no_permit"), ("means", "no"), ("previous_return", SpecialAnswers.PreferNotToSay), ("travel_document", "yes"))).Outcome);
    }

    [Fact]
    public void Next_question_skips_answered_ones_and_asks_conditional_ones_only_when_they_apply()
    {
        Assert.Equal("status", K.NextQuestion("nl", Answers()));
        Assert.Equal("travel_document", K.NextQuestion("nl", Answers(("status", "no_permit"), ("destination", "origin"), ("means", "no"), ("previous_return", "no"))));
        Assert.Equal("withdraw", K.NextQuestion("nl", Answers(("status", "asylum_pending"), ("destination", "origin"), ("means", "no"), ("previous_return", "no"))));
        Assert.Null(K.NextQuestion("cy", Answers(("status", "permit"), ("destination", "origin"), ("means", "no"), ("health", "no"), ("safety", "no"), ("minor", "no"))));
    }
}
