using Avrr.Bot.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Avrr.Bot.Tests.Channels;

/// <summary>Pacing under a platform's limits, on a fake clock: what waits, for how long, and what does not wait.</summary>
public sealed class PacerTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task A_second_message_to_one_chat_waits_the_per_chat_interval()
    {
        var pacer = new Pacer(perSecond: 1000, perRecipient: TimeSpan.FromSeconds(1), _time);
        await pacer.WaitAsync("a", default);

        var second = pacer.WaitAsync("a", default);
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(second.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Another_chat_is_not_held_behind_a_chat_that_waits_its_interval()
    {
        var pacer = new Pacer(perSecond: 10, perRecipient: TimeSpan.FromSeconds(1), _time);
        await pacer.WaitAsync("a", default);
        var secondToA = pacer.WaitAsync("a", default);

        var firstToB = pacer.WaitAsync("b", default);
        _time.Advance(TimeSpan.FromMilliseconds(200));

        await firstToB.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(secondToA.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(800));
        await secondToA.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Different_chats_share_the_overall_rate()
    {
        var pacer = new Pacer(perSecond: 2, perRecipient: TimeSpan.Zero, _time);
        await pacer.WaitAsync("a", default);
        var b = pacer.WaitAsync("b", default);
        var c = pacer.WaitAsync("c", default);

        _time.Advance(TimeSpan.FromMilliseconds(500));
        await b.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(c.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        await c.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_platform_wide_pause_holds_every_chat_until_it_ends()
    {
        var pacer = new Pacer(perSecond: 1000, perRecipient: TimeSpan.Zero, _time);
        pacer.PauseAll(_time.GetUtcNow() + TimeSpan.FromSeconds(30));
        var a = pacer.WaitAsync("a", default);
        var b = pacer.WaitAsync("b", default);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(a.IsCompleted || b.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1.01));
        await Task.WhenAll(a, b).WaitAsync(TimeSpan.FromSeconds(5));
    }
}
