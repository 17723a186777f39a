using System.Threading.Channels;

namespace Avrr.Bot.Changes;

/// <summary>
/// Tells listeners (Direct Line streams, the outbox relay) that a conversation's transcript grew. Only a nudge:
/// listeners always read what is new from the store, so a missed nudge delays but never loses an activity.
/// </summary>
public sealed class ConversationEvents
{
    private readonly Dictionary<string, List<Channel<long>>> _listeners = new(StringComparer.Ordinal);
    private readonly Channel<string> _pushed = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Conversations with new outbox rows for push channels, for the relay.</summary>
    public ChannelReader<string> PushQueued => _pushed.Reader;

    public void Published(string conversationId, long lastSeq, bool hasPushDeliveries)
    {
        if (hasPushDeliveries)
        {
            _pushed.Writer.TryWrite(conversationId);
        }

        lock (_listeners)
        {
            if (_listeners.TryGetValue(conversationId, out var list))
            {
                foreach (var listener in list)
                {
                    listener.Writer.TryWrite(lastSeq);
                }
            }
        }
    }

    /// <summary>Wakes every listener once (after notifications from other instances may have been missed).</summary>
    public void PublishedEverywhere()
    {
        _pushed.Writer.TryWrite("");
        lock (_listeners)
        {
            foreach (var listener in _listeners.Values.SelectMany(l => l))
            {
                listener.Writer.TryWrite(-1);
            }
        }
    }

    public Subscription Subscribe(string conversationId)
    {
        // Bounded to one pending nudge: a slow reader coalesces nudges instead of buffering them.
        var channel = Channel.CreateBounded<long>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_listeners)
        {
            if (!_listeners.TryGetValue(conversationId, out var list))
            {
                _listeners[conversationId] = list = [];
            }

            list.Add(channel);
        }

        return new Subscription(this, conversationId, channel);
    }

    private void Unsubscribe(string conversationId, Channel<long> channel)
    {
        lock (_listeners)
        {
            if (_listeners.TryGetValue(conversationId, out var list) && list.Remove(channel) && list.Count == 0)
            {
                _listeners.Remove(conversationId);
            }
        }
    }

    public sealed class Subscription(ConversationEvents owner, string conversationId, Channel<long> channel) : IDisposable
    {
        public ChannelReader<long> Reader => channel.Reader;

        public void Dispose() => owner.Unsubscribe(conversationId, channel);
    }
}
