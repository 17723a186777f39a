using System.Text.Json;
using System.Text.Json.Nodes;

namespace Avrr.Channels.Fakes.Telegram;

/// <summary>
/// The update queue and <c>getUpdates</c> (Telegram Bot API documentation). An update stays pending until confirmed: by a
/// getUpdates offset above its id, or by a 2xx from the webhook.
/// </summary>
public sealed partial class TelegramFake
{
    private const int AbortedStatus = 499;

    // Every update kind of the Bot API, in the order getWebhookInfo lists allowed_updates.
    private static readonly string[] UpdateKinds =
    [
        "message", "edited_message", "channel_post", "edited_channel_post", "business_connection", "business_message",
        "edited_business_message", "deleted_business_messages", "message_reaction", "message_reaction_count",
        "inline_query", "chosen_inline_result", "callback_query", "shipping_query", "pre_checkout_query",
        "purchased_paid_media", "poll", "poll_answer", "my_chat_member", "chat_member", "chat_join_request",
        "chat_boost", "removed_chat_boost",
    ];

    // What an empty or omitted allowed_updates leaves out.
    private static readonly HashSet<string> NotByDefault = new(StringComparer.Ordinal)
    {
        "chat_member", "message_reaction", "message_reaction_count",
    };

    private readonly List<PendingUpdate> _pending = [];
    private long _nextUpdateId = FirstUpdateId;
    private HashSet<string>? _allowedUpdates;
    private Poller? _poller;

    /// <summary>Updates not yet confirmed (what getWebhookInfo reports as pending_update_count).</summary>
    public int PendingUpdateCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>
    /// Queues an update, wakes a waiting long poll and starts webhook delivery. Telegram drops update kinds that the
    /// bot's allowed_updates leaves out when they happen, without using an id: then 0. Call under the lock.
    /// </summary>
    private long AddUpdate(string kind, JsonObject payload)
    {
        if (!IsAllowed(kind))
        {
            return 0;
        }
        var id = _nextUpdateId++;
        var update = new JsonObject { ["update_id"] = id, [kind] = payload };
        _pending.Add(new PendingUpdate(id, QueueKey(kind, payload), update));
        _poller?.Wake();
        PumpWebhook();
        Notify();
        return id;
    }

    private bool IsAllowed(string kind) => _allowedUpdates?.Contains(kind) ?? !NotByDefault.Contains(kind);

    /// <summary>
    /// tdlib's webhook queues: one per kind and chat (callback queries and other chat-less updates: per user), so a
    /// chat's messages reach the webhook one at a time and in order.
    /// </summary>
    private static string QueueKey(string kind, JsonObject payload)
    {
        var owner = payload["chat"]?["id"] ?? payload["from"]?["id"] ?? payload["user"]?["id"];
        return $"{kind}:{owner?.ToJsonString() ?? "0"}";
    }

    /// <summary>allowed_updates as a list or a JSON string; omitted keeps the last one; empty or unknown means the default.</summary>
    private void ApplyAllowedUpdates(TelegramParameters parameters)
    {
        JsonNode? node;
        try
        {
            node = parameters.GetJson("allowed_updates");
        }
        catch (JsonException)
        {
            return;
        }
        if (node is not JsonArray list)
        {
            return;
        }
        var names = list.OfType<JsonValue>()
            .Where(v => v.GetValueKind() == JsonValueKind.String)
            .Select(v => v.GetValue<string>().ToLowerInvariant())
            .Where(name => UpdateKinds.Contains(name))
            .ToHashSet(StringComparer.Ordinal);
        _allowedUpdates = names.Count == 0 ? null : names;
    }

    private async Task<TelegramResponse> GetUpdatesAsync(TelegramParameters parameters, CancellationToken aborted)
    {
        // tdlib reads offset as a 32-bit integer.
        var offset = Math.Clamp(parameters.GetInt64("offset") ?? 0, -int.MaxValue, int.MaxValue);
        var limit = parameters.GetClamped("limit", 100, 1, 100);
        var timeout = parameters.GetClamped("timeout", 0, 0, 50);
        Poller poller;
        lock (_gate)
        {
            if (_webhook is not null)
            {
                return TelegramResponse.Error(409,
                    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
            }
            // Only one poll waits at a time: a new call ends the one before it.
            _poller?.End(PollEnd.OtherPoll);
            _poller = null;
            ApplyAllowedUpdates(parameters);
            Confirm(offset);
            var ready = Take(offset, limit);
            if (ready.Count > 0 || timeout == 0 || _disposed)
            {
                return TelegramResponse.Ok(ready);
            }
            poller = _poller = new Poller();
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var expiry = Task.Delay(TimeSpan.FromSeconds(timeout), _time, stop.Token);
        PollEnd end;
        while (true)
        {
            Task<PollEnd> signal;
            lock (_gate)
            {
                signal = poller.Signal;
            }
            if (await Task.WhenAny(signal, expiry) != signal)
            {
                end = expiry.IsCanceled ? PollEnd.Aborted : PollEnd.TimedOut;
                break;
            }
            lock (_gate)
            {
                if (poller.Final is { } final)
                {
                    end = final;
                    break;
                }
                if (_pending.Exists(u => u.Id >= offset))
                {
                    end = PollEnd.Ready;
                    break;
                }
                // Woken by an update below the offset: keep waiting for the rest of the timeout.
                poller.Rearm();
            }
        }
        await stop.CancelAsync();

        lock (_gate)
        {
            if (_poller == poller)
            {
                _poller = null;
            }
            return end switch
            {
                PollEnd.OtherPoll => TelegramResponse.Error(409,
                    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"),
                PollEnd.SetWebhook => TelegramResponse.Error(409, "Conflict: terminated by setWebhook request"),
                PollEnd.Aborted => new TelegramResponse(AbortedStatus, new JsonObject(), null),
                _ => TelegramResponse.Ok(Take(offset, limit)),
            };
        }
    }

    /// <summary>
    /// A positive offset confirms (drops) every update below it; a negative one keeps only the last -offset updates
    /// and forgets the rest. Call under the lock.
    /// </summary>
    private void Confirm(long offset)
    {
        var before = _pending.Count;
        if (offset > 0)
        {
            _pending.RemoveAll(u => u.Id < offset);
        }
        else if (offset < 0 && _pending.Count > -offset)
        {
            _pending.RemoveRange(0, _pending.Count - (int)-offset);
        }
        if (_pending.Count != before)
        {
            Notify();
        }
    }

    /// <summary>Up to <paramref name="limit"/> pending updates from <paramref name="offset"/> on. Call under the lock.</summary>
    private JsonArray Take(long offset, int limit)
    {
        var from = Math.Max(offset, 0);
        return [.. _pending.Where(u => u.Id >= from).Take(limit).Select(u => u.Json.DeepClone())];
    }

    private sealed record PendingUpdate(long Id, string QueueKey, JsonObject Json);

    private enum PollEnd
    {
        Ready,
        TimedOut,
        OtherPoll,
        SetWebhook,
        Closed,
        Aborted,
    }

    /// <summary>The one waiting long poll. Use under the lock.</summary>
    private sealed class Poller
    {
        private TaskCompletionSource<PollEnd> _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<PollEnd> Signal => _signal.Task;

        /// <summary>Why the poll must end regardless of updates (another poll, setWebhook, disposal), or null.</summary>
        public PollEnd? Final { get; private set; }

        public void Wake() => _signal.TrySetResult(PollEnd.Ready);

        public void End(PollEnd reason)
        {
            Final ??= reason;
            _signal.TrySetResult(reason);
        }

        public void Rearm()
        {
            if (_signal.Task.IsCompleted && Final is null)
            {
                _signal = new TaskCompletionSource<PollEnd>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }
}
