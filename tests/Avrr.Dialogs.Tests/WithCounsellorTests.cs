namespace Avrr.Dialogs.Tests;

/// <summary>While a counsellor owns the chat the bot stays silent, except for what must work in every state.</summary>
public sealed class WithCounsellorTests
{
    private static Transcript WithCounsellor()
    {
        var t = new Transcript();
        t.Join();
        t.Send("English");
        t.Send("yes");
        t.Send("counsellor");
        t.Case = CaseStatus.WithCounsellor;
        return t;
    }

    [Fact]
    public void Ordinary_messages_get_no_reply_from_the_bot_and_are_kept_for_the_counsellor()
    {
        var t = WithCounsellor();

        t.Send("Hello, I have a question about my documents");

        Assert.Empty(t.Last.Replies);
        Assert.Empty(t.Last.Signals);
        Assert.True(t.Last.KeepTranscript);
    }

    [Fact]
    public void Delete_my_data_asks_first_then_erases()
    {
        var t = WithCounsellor();

        t.Send("delete my data").Says("data.delete_confirm");
        t.Send("yes").Says("data.deleted");

        Assert.Contains(t.Signals, s => s is EraseRequested);
        Assert.False(t.Last.KeepTranscript);
    }

    [Fact]
    public void Declining_the_deletion_keeps_everything_and_the_bot_falls_silent_again()
    {
        var t = WithCounsellor();

        t.Send("delete my data");
        t.Send("no").Says("data.kept").DoesNotSay("menu.prompt");
        t.Send("thank you");

        Assert.Empty(t.Last.Replies);
        Assert.DoesNotContain(t.Signals, s => s is EraseRequested);
    }

    [Fact]
    public void Stop_and_a_disclosure_still_work()
    {
        var t = WithCounsellor();

        t.Send("he hits me").Says("safeguarding.message", ("emergency", t.S("safeguarding.generic_emergency")), ("contacts", ""));
        Assert.Contains(t.Last.Signals, s => s is HandoffRequested { Urgency: HandoffUrgency.Urgent });
        t.Send("stop").Says("stop.confirm");
        Assert.Contains(t.Last.Signals, s => s is OptedOut);
    }
}
