namespace Avrr.Knowledge.Tests;

/// <summary>
/// Disclosures as people write them (contractions, other pronouns, phone spelling) must raise the alarm, and the
/// everyday sentences of a return conversation must not: a false alarm interrupts a person with emergency numbers.
/// </summary>
public sealed class SafeguardingCorpusTests
{
    private static readonly IKnowledgeSnapshot K = ShippedContent.Snapshot;

    public static TheoryData<string, SafeguardingCategory> Disclosures() => new()
    {
        { "I'm 16 and I came alone", SafeguardingCategory.UnaccompaniedMinor },
        { "im 15 my parents are not here", SafeguardingCategory.UnaccompaniedMinor },
        { "i am a minor", SafeguardingCategory.UnaccompaniedMinor },
        { "I feel suicidal", SafeguardingCategory.SelfHarm },
        { "I don't want to live anymore", SafeguardingCategory.SelfHarm },
        { "sometimes i want to take my own life", SafeguardingCategory.SelfHarm },
        { "I was raped in the camp", SafeguardingCategory.Violence },
        { "she hits me every day", SafeguardingCategory.Violence },
        { "My husband hits me", SafeguardingCategory.Violence },
        { "They will kill me if I go back", SafeguardingCategory.FearOfReturn },
        { "my family will kill me if i return", SafeguardingCategory.FearOfReturn },
        { "they will kill me", SafeguardingCategory.Violence },
        { "I have to work to pay my debt to the smuggler", SafeguardingCategory.Trafficking },
        { "they say i owe them 5000 euro", SafeguardingCategory.Trafficking },
        { "I was kidnapped in Libya", SafeguardingCategory.Trafficking },
        { "I'm pregnant and bleeding", SafeguardingCategory.MedicalEmergency },
        { "my waters broke", SafeguardingCategory.MedicalEmergency },
        { "my friend took an overdose", SafeguardingCategory.MedicalEmergency },
        { "I can't breathe", SafeguardingCategory.MedicalEmergency },
        { "j'ai 16 ans", SafeguardingCategory.UnaccompaniedMinor },
        { "Je suis victime de traite", SafeguardingCategory.Trafficking },
        { "j’ai été enlevée", SafeguardingCategory.Trafficking },
        { "je suis suicidaire", SafeguardingCategory.SelfHarm },
    };

    [Theory]
    [MemberData(nameof(Disclosures))]
    public void A_disclosure_raises_the_alarm(string text, SafeguardingCategory expected) =>
        Assert.Equal(expected, K.DetectSafeguarding(text));

    [Theory]
    [InlineData("What documents do I need to travel?")]
    [InlineData("I'm 35 and I want to go home")]
    [InlineData("Can I take my children with me?")]
    [InlineData("My passport expired last year")]
    [InlineData("How much money do I get for the ticket?")]
    [InlineData("I don't know when my appointment is")]
    [InlineData("It hits the news that flights are cancelled")]
    [InlineData("Qui traite mon dossier ?")]
    [InlineData("La personne qui traite ma demande ne répond pas")]
    [InlineData("J'ai enlevé ma veste")]
    [InlineData("Je veux rentrer chez moi avec ma famille")]
    public void An_everyday_sentence_does_not(string text) =>
        Assert.Null(K.DetectSafeguarding(text));

    [Fact]
    public void Every_language_covers_every_category_with_phrases_and_proven_disclosures()
    {
        var (_, coverage) = KnowledgeLoader.Validate(KnowledgeLoader.ReadDirectory(ShippedContent.Path));

        foreach (var language in K.Languages)
        {
            var row = Assert.Single(coverage, c => c.Language == language.Code);
            foreach (var category in Enum.GetValues<SafeguardingCategory>())
            {
                Assert.True(row.Phrases.GetValueOrDefault(category) > 0, $"{language.Code} has no {category} phrase");
                Assert.True(row.Disclosures.GetValueOrDefault(category) > 0, $"{language.Code} has no {category} disclosure in the corpus");
            }

            Assert.True(row.Everyday >= 3, $"{language.Code} has {row.Everyday} everyday sentences");
        }
    }
}
