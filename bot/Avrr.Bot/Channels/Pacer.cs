namespace Avrr.Bot.Channels;

/// <summary>
/// Proactive pacing under a platform's limits, so 429s stay the exception: an overall rate (token bucket) and a
/// minimum interval per recipient; a platform-wide pause (WhatsApp 130429) stops every recipient for a while.
/// </summary>
public sealed class Pacer(double perSecond, TimeSpan perRecipient, TimeProvider time)
{
    private readonly Dictionary<string, DateTimeOffset> _nextPerRecipient = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private DateTimeOffset _nextOverall = DateTimeOffset.MinValue;
    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;

    public void PauseAll(DateTimeOffset until)
    {
        lock (_gate)
        {
            if (until > _pausedUntil)
            {
                _pausedUntil = until;
            }
        }
    }

    public async Task WaitAsync(string recipient, CancellationToken ct)
    {
        TimeSpan wait;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            // The overall slot is taken now, apart from the recipient's own interval: a chat that must wait its
            // interval does not hold every other chat behind it.
            var overall = Max(now, _nextOverall, _pausedUntil);
            _nextOverall = overall + TimeSpan.FromSeconds(1 / perSecond);
            var slot = Max(overall, _nextPerRecipient.GetValueOrDefault(recipient, DateTimeOffset.MinValue));
            _nextPerRecipient[recipient] = slot + perRecipient;
            if (_nextPerRecipient.Count > 10_000)
            {
                foreach (var stale in _nextPerRecipient.Where(e => e.Value < now).Select(e => e.Key).ToList())
                {
                    _nextPerRecipient.Remove(stale);
                }
            }

            wait = slot - now;
        }

        // Below a millisecond is noise, and some clocks (tests) would never fire such a timer.
        if (wait >= TimeSpan.FromMilliseconds(1))
        {
            await Task.Delay(wait, time, ct);
        }
    }

    private static DateTimeOffset Max(params DateTimeOffset[] values) => values.Max();
}
