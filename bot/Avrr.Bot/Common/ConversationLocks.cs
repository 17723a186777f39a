namespace Avrr.Bot.Common;

/// <summary>
/// Serialises turns per conversation, first come first served, while different conversations run in parallel.
/// Entries exist only while a conversation has a turn running or waiting, so memory stays bounded.
/// </summary>
public sealed class ConversationLocks
{
    private readonly Dictionary<string, Queue<TaskCompletionSource>?> _queues = new(StringComparer.Ordinal);

    public async ValueTask<Releaser> AcquireAsync(string conversationId, CancellationToken ct)
    {
        TaskCompletionSource waiter;
        lock (_queues)
        {
            if (!_queues.TryGetValue(conversationId, out var queue))
            {
                // Nobody holds it: take it without allocating a queue.
                _queues[conversationId] = null;
                return new Releaser(this, conversationId);
            }

            queue ??= _queues[conversationId] = new Queue<TaskCompletionSource>();
            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            queue.Enqueue(waiter);
        }

        // A cancelled waiter stays queued; Release skips it because its TrySetResult fails.
        await using (ct.Register(() => waiter.TrySetCanceled(ct)))
        {
            await waiter.Task;
        }

        return new Releaser(this, conversationId);
    }

    private void Release(string conversationId)
    {
        lock (_queues)
        {
            var queue = _queues[conversationId];
            while (queue is { Count: > 0 })
            {
                // Hand over directly to the next waiter that is still waiting.
                if (queue.Dequeue().TrySetResult())
                {
                    return;
                }
            }

            _queues.Remove(conversationId);
        }
    }

    public readonly struct Releaser(ConversationLocks owner, string conversationId) : IDisposable
    {
        public void Dispose() => owner.Release(conversationId);
    }
}
