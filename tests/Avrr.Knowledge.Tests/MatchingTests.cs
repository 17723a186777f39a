using FsCheck;
using FsCheck.Fluent;

namespace Avrr.Knowledge.Tests;

public sealed class MatchingTests
{
    private static IKnowledgeSnapshot K => ShippedContent.Snapshot;

    [Theory]
    [InlineData("كتاب", "کتاب")]
    [InlineData("ي", "ی")]
    [InlineData("مدرسة", "مدرسه")]
    [InlineData("أحمد", "احمد")]
    [InlineData("١٢٣", "123")]
    [InlineData("۴۵۶", "456")]
    [InlineData("  Élève   À  l'école ", "eleve a l ecole")]
    [InlineData("مُحَمَّد", "محمد")]
    [InlineData("می‌خواهم", "میخواهم")]
    public void Folding_unifies_variants_digits_diacritics_case_and_spaces(string a, string b) =>
        Assert.Equal(TextFolding.Fold(b), TextFolding.Fold(a));

    [Fact]
    public void Folding_never_throws_and_is_idempotent()
    {
        Prop.ForAll(Arb.From(Gen.ArrayOf(Gen.Choose(0, 0xFFFF).Select(i => (char)i)).Select(c => new string(c))), text =>
        {
            var once = TextFolding.Fold(text);
            return TextFolding.Fold(once) == once;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [Theory]
    [InlineData("MENU", GlobalCommand.Menu)]
    [InlineData("menü", GlobalCommand.Menu)]
    [InlineData("Langauge", GlobalCommand.Language)]
    [InlineData("مشاور", GlobalCommand.Counsellor)]
    [InlineData("اللغه", GlobalCommand.Language)]
    [InlineData("supprimer mes données", GlobalCommand.DeleteMyData)]
    [InlineData("stop", GlobalCommand.Stop)]
    public void Commands_match_in_any_language_with_small_typos(string text, GlobalCommand expected) =>
        Assert.Equal(expected, K.MatchCommand(text));

    [Theory]
    [InlineData("I want to stop worrying about my papers")]
    [InlineData("menu please tell me more about the programme")]
    public void Commands_match_whole_messages_only(string text) => Assert.Null(K.MatchCommand(text));

    [Theory]
    [InlineData("My boss took my passport and they forced me to work", SafeguardingCategory.Trafficking)]
    [InlineData("Sometimes I think I want to die", SafeguardingCategory.SelfHarm)]
    [InlineData("ils ont pris mon passeport", SafeguardingCategory.Trafficking)]
    [InlineData("أخذوا جواز سفري", SafeguardingCategory.Trafficking)]
    [InlineData("می‌خواهم بمیرم", SafeguardingCategory.SelfHarm)]
    [InlineData("I am 16 and alone", SafeguardingCategory.UnaccompaniedMinor)]
    public void Safeguarding_disclosures_are_detected_in_several_languages(string text, SafeguardingCategory expected) =>
        Assert.Equal(expected, K.DetectSafeguarding(text));

    [Fact]
    public void Ordinary_questions_are_not_safeguarding() =>
        Assert.Null(K.DetectSafeguarding("What documents do I need to travel?"));

    [Fact]
    public void Nonsense_gets_no_answer() => Assert.Equal(AnswerKind.NoMatch, K.AnswerQuestion("en", "zebra xylophone quantum").Kind);
}
