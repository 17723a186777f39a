using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;

namespace Avrr.Dialogs.Tests;

public sealed class RobustInputTests
{
    private static readonly Gen<string> AnyText = Gen.OneOf(
        Gen.ArrayOf(Gen.Choose(0, 0xFFFF).Select(i => (char)i)).Select(c => new string(c)),
        Gen.Elements("1", "٢", "۳", "yes", "no", "menu", "back", "stop", "restart", "language", "English", "العربية", "فارسی", "Germany", "Pays-Bas", "", " ", "😀😀", "\u0000\u0001", "delete my data", "counsellor", "they took my passport"),
        Gen.Choose(1, 4).Select(n => new string('x', n * 25_000)));

    [Fact]
    public void No_input_of_any_kind_throws_or_breaks_the_state()
    {
        var engine = new Transcript().Engine;
        var conversation = Gen.ListOf(AnyText).Select(l => l.ToArray());
        Prop.ForAll(Arb.From(conversation), messages =>
        {
            string? state = null;
            var now = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
            foreach (var message in messages)
            {
                var result = engine.Run(state, new TurnInput(message, null, "en", ChannelCapabilities.WebChat, now));
                using var parsed = JsonDocument.Parse(result.State);
                Assert.All(result.Replies, r => Assert.True(r.Text.Length <= ChannelCapabilities.WebChat.MaxTextLength));
                state = result.State;
            }

            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }

    [Fact]
    public void A_corrupt_stored_state_starts_over_instead_of_failing()
    {
        var t = new Transcript();
        var result = t.Engine.Run("{not json", new TurnInput("hello", null, "en", ChannelCapabilities.WebChat, DateTimeOffset.UnixEpoch));

        Assert.Contains(t.S("lang.prompt"), result.Replies[0].Text, StringComparison.Ordinal);
    }
}
