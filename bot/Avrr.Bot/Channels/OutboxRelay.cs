using Avrr.Bot.Changes;
using Avrr.Bot.Common;

namespace Avrr.Bot.Channels;

/// <summary>
/// Delivers the outbox of push channels: the oldest undelivered activity of each conversation (order is kept within a
/// conversation; different conversations flow in parallel), retried with exponential back-off and jitter, waiting
/// exactly as long as a platform asks, and stopping on permanent errors, which stay visible to operators.
/// </summary>
internal sealed partial class OutboxRelay(
    OutboxStore store,
    IEnumerable<IChannelSender> senders,
    ConversationEvents events,
    ChannelStatus status,
    Telemetry telemetry,
    TimeProvider time,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private const int MaxAttempts = 12;
    private const int Parallelism = 8;
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, IChannelSender> _senders = senders.ToDictionary(s => s.Channel, StringComparer.Ordinal);
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _slots = new(Parallelism, Parallelism);

    /// <summary>Exponential back-off with full jitter: 1 s, 2 s, 4 s … capped at 10 minutes.</summary>
    internal static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * Math.Min(600_000, 1000 * Math.Pow(2, Math.Min(attempts, 20))) + 250);

    public override void Dispose()
    {
        _slots.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_senders.Values.All(s => s is ChannelSetup.DisabledSender))
        {
            // No push channel is configured: nothing to relay, and no reason to query the outbox every second.
            return;
        }

        await store.ReleaseClaimsOfEarlierProcessAsync(stoppingToken);
        var running = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var item in await store.DueAsync(200, stoppingToken))
                {
                    if (!_senders.TryGetValue(item.Channel, out var sender))
                    {
                        continue;
                    }

                    lock (_inFlight)
                    {
                        if (!_inFlight.Add(item.ConversationId))
                        {
                            continue;
                        }
                    }

                    await _slots.WaitAsync(stoppingToken);
                    running.Add(DeliverAsync(sender, item, stoppingToken));
                }

                running.RemoveAll(t => t.IsCompleted);
                await WaitForWorkAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                Log.RelayFailed(logger, ex);
                await Task.Delay(Idle, time, stoppingToken);
            }
        }

        await Task.WhenAll(running.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    private async Task WaitForWorkAsync(CancellationToken ct)
    {
        // Woken by a new outbox row, a finished send, or the next due time (at most a second away, so rows due by the
        // clock of another instance are not missed).
        var next = await store.NextDueAsync(ct);
        var wait = next is { } due ? due - time.GetUtcNow() : Idle;
        if (wait <= TimeSpan.Zero)
        {
            wait = TimeSpan.FromMilliseconds(20);
        }

        using var expiry = new CancellationTokenSource(wait < Idle ? wait : Idle, time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, expiry.Token);
        try
        {
            await events.PushQueued.WaitToReadAsync(timeout.Token);
            while (events.PushQueued.TryRead(out _))
            {
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(IChannelSender sender, OutboxItem item, CancellationToken ct)
    {
        using var span = Telemetry.Traces.StartActivity("avrr.delivery");
        span?.SetTag("avrr.channel", item.Channel);
        span?.SetTag("avrr.delivery.attempt", item.Attempts + 1);
        try
        {
            if (!await store.ClaimAsync(item, ct))
            {
                return;
            }

            SendResult result;
            try
            {
                result = await sender.SendAsync(item, ct);
            }
            catch (Exception ex) when (OutboundHttp.IsTransportFailure(ex) && !ct.IsCancellationRequested)
            {
                result = new SendResult.Transient(ex.GetType().Name + ": " + ex.Message);
            }

            DateTimeOffset? retryAt = null;
            if (result is SendResult.Transient transient)
            {
                if (item.Attempts + 1 >= MaxAttempts)
                {
                    result = new SendResult.Permanent($"gave up after {MaxAttempts} attempts: {transient.Reason}");
                }
                else
                {
                    retryAt = time.GetUtcNow() + Backoff(item.Attempts);
                }
            }

            await store.CompleteAsync(item, result, retryAt, ct);
            status.Record(item.Channel, result, time.GetUtcNow());
            var outcome = ResultName(result);
            span?.SetTag("avrr.delivery.result", outcome);
            telemetry.Delivery(item.Channel, outcome);
            Log.Result(logger, item.Channel, result.GetType().Name, item.Attempts + 1);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The claim lapses and the row is sent after restart.
        }
        catch (Exception ex)
        {
            Log.DeliveryFailed(logger, ex, item.Channel);
        }
        finally
        {
            lock (_inFlight)
            {
                _inFlight.Remove(item.ConversationId);
            }

            _slots.Release();
            // A conversation's next row may be due now that this one is done.
            events.Published(item.ConversationId, item.Seq, hasPushDeliveries: true);
        }
    }

    private static string ResultName(SendResult result) => result switch
    {
        SendResult.Sent => "sent",
        SendResult.Held => "held",
        SendResult.Permanent => "permanent",
        SendResult.RetryAt => "retry_at",
        _ => "transient",
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "Outbox {Channel}: {Result} after {Attempts} attempts")]
        public static partial void Result(ILogger logger, string channel, string result, int attempts);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "The outbox relay failed; retrying")]
        public static partial void RelayFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "Delivering a {Channel} message failed unexpectedly; it will be retried")]
        public static partial void DeliveryFailed(ILogger logger, Exception exception, string channel);
    }
}
