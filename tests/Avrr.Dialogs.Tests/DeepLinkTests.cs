namespace Avrr.Dialogs.Tests;

/// <summary>A counselling centre's QR code (Telegram deep link) names the host country and the language.</summary>
public sealed class DeepLinkTests
{
    [Fact]
    public void A_link_with_country_and_language_skips_both_questions()
    {
        var t = new Transcript { Language = "ar" };

        t.Start("BE_ar").Says("lang.changed").Says("consent.short").IsRightToLeft(true);
        t.Press("consent:yes").Says("menu.prompt");
        t.Press("menu:check").Says("check.intro").DoesNotSay("q.host_country").Says("q.status");
    }

    [Fact]
    public void A_link_with_only_a_country_still_asks_the_language_then_skips_the_country()
    {
        var t = new Transcript();

        t.Start("DE").Says("lang.prompt");
        t.Press("lang:en").Press("consent:yes").Press("menu:check").DoesNotSay("q.host_country");
    }

    [Fact]
    public void An_unknown_link_parameter_is_ignored()
    {
        new Transcript().Start("xx_zz_<script>").Says("lang.prompt");
    }
}
