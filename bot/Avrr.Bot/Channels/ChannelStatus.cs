using System.Collections.Concurrent;

namespace Avrr.Bot.Channels;

/// <summary>What this instance knows of each channel right now, for the operators' settings page. Never secrets.</summary>
public sealed class ChannelStatus
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public sealed record Entry(string? Mode, DateTimeOffset? LastSent, DateTimeOffset? LastErrorAt, string? LastError);

    public Entry Get(string channel) => _entries.GetValueOrDefault(channel) ?? new Entry(null, null, null, null);

    public void SetMode(string channel, string mode) => _entries.AddOrUpdate(channel, _ => new Entry(mode, null, null, null), (_, e) => e with { Mode = mode });

    public void Error(string channel, string error, DateTimeOffset at) =>
        _entries.AddOrUpdate(channel, _ => new Entry(null, null, at, error), (_, e) => e with { LastErrorAt = at, LastError = error });

    public void Record(string channel, SendResult result, DateTimeOffset at)
    {
        switch (result)
        {
            case SendResult.Sent:
                _entries.AddOrUpdate(channel, _ => new Entry(null, at, null, null), (_, e) => e with { LastSent = at });
                break;
            case SendResult.Permanent permanent:
                Error(channel, permanent.Reason, at);
                break;
            case SendResult.Transient transient:
                Error(channel, transient.Reason, at);
                break;
            case SendResult.RetryAt wait:
                Error(channel, wait.Reason, at);
                break;
        }
    }
}
