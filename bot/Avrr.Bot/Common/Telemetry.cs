using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Avrr.Bot.Common;

/// <summary>
/// The host's traces and metrics (OpenTelemetry names; docs/operations.md lists every one with alert rules).
/// Attributes carry channels, outcomes and error classes only: never message text, addresses, conversation ids or
/// case references, so an operator's monitoring holds nothing about a person.
/// </summary>
public sealed class Telemetry : IDisposable
{
    public const string Name = "Avrr.Bot";

    /// <summary>Spans: <c>avrr.turn</c>, <c>avrr.webhook</c>, <c>avrr.delivery</c>, <c>avrr.case.claim</c>.</summary>
    public static readonly ActivitySource Traces = new(Name);

    private readonly Meter _meter;
    private readonly Counter<long> _turns;
    private readonly Histogram<double> _turnDuration;
    private readonly Counter<long> _webhooks;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _deliveryFailures;
    private readonly Histogram<double> _queueWait;
    private readonly Histogram<double> _firstResponse;
    private readonly Counter<long> _translations;
    private readonly Counter<long> _translationFailures;
    private readonly Histogram<long> _commitUnits;
    private long _inboxBacklog;
    private long _outboxBacklog;

    public Telemetry(IMeterFactory meters)
    {
        _meter = meters.Create(Name);
        _turns = _meter.CreateCounter<long>("avrr.turns", "{turn}", "Turns run, by channel and outcome");
        _turnDuration = _meter.CreateHistogram<double>("avrr.turn.duration", "ms", "From taking the conversation's lock to the durable commit");
        _webhooks = _meter.CreateCounter<long>("avrr.webhook.messages", "{message}", "Webhook messages acknowledged, by channel and whether they were new");
        _deliveries = _meter.CreateCounter<long>("avrr.deliveries", "{attempt}", "Delivery attempts of push channels, by channel and result");
        _deliveryFailures = _meter.CreateCounter<long>("avrr.delivery.failures", "{attempt}", "Delivery attempts that did not send, by channel and error class");
        _queueWait = _meter.CreateHistogram<double>("avrr.case.queue_wait", "s", "From a hand-off request to a counsellor taking the case");
        _firstResponse = _meter.CreateHistogram<double>("avrr.case.first_response", "s", "From a hand-off request to the counsellor's first message");
        _translations = _meter.CreateCounter<long>("avrr.translation.calls", "{call}", "Calls to the translation service, by provider and outcome");
        _translationFailures = _meter.CreateCounter<long>("avrr.translation.failures", "{call}", "Translation calls that failed, by provider");
        _commitUnits = _meter.CreateHistogram<long>("avrr.store.commit.units", "{unit}", "Writes that shared one commit (group commit on SQLite)");
        _meter.CreateObservableGauge("avrr.inbox.backlog", () => Volatile.Read(ref _inboxBacklog), "{message}", "Acknowledged messages waiting for their turn");
        _meter.CreateObservableGauge("avrr.outbox.backlog", () => Volatile.Read(ref _outboxBacklog), "{message}", "Replies of push channels waiting to be sent or retried");
    }

    public void Turn(string channel, string status, TimeSpan elapsed)
    {
        var tags = new TagList { { "avrr.channel", channel }, { "avrr.turn.status", status } };
        _turns.Add(1, tags);
        _turnDuration.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("avrr.channel", channel));
    }

    public void Webhook(string channel, bool isNew) =>
        _webhooks.Add(1, new KeyValuePair<string, object?>("avrr.channel", channel), new KeyValuePair<string, object?>("avrr.new", isNew));

    /// <param name="result">sent, held, permanent, retry_at or transient.</param>
    public void Delivery(string channel, string result)
    {
        _deliveries.Add(1, new KeyValuePair<string, object?>("avrr.channel", channel), new KeyValuePair<string, object?>("avrr.delivery.result", result));
        if (result is not ("sent" or "held"))
        {
            _deliveryFailures.Add(1, new KeyValuePair<string, object?>("avrr.channel", channel), new KeyValuePair<string, object?>("error.type", result));
        }
    }

    public void QueueWait(TimeSpan wait, string channel) => _queueWait.Record(wait.TotalSeconds, new KeyValuePair<string, object?>("avrr.channel", channel));

    public void FirstResponse(TimeSpan wait, string channel) => _firstResponse.Record(wait.TotalSeconds, new KeyValuePair<string, object?>("avrr.channel", channel));

    public void Translation(string provider, bool succeeded)
    {
        _translations.Add(1, new KeyValuePair<string, object?>("avrr.translation.provider", provider), new KeyValuePair<string, object?>("avrr.translation.outcome", succeeded ? "translated" : "failed"));
        if (!succeeded)
        {
            _translationFailures.Add(1, new KeyValuePair<string, object?>("avrr.translation.provider", provider));
        }
    }

    public void Commit(int units) => _commitUnits.Record(units);

    public void Backlog(long inbox, long outbox)
    {
        Volatile.Write(ref _inboxBacklog, inbox);
        Volatile.Write(ref _outboxBacklog, outbox);
    }

    public void Dispose() => _meter.Dispose();
}
