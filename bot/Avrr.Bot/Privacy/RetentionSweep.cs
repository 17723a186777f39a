using Avrr.Bot.Persistence;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Privacy;

/// <summary>What one sweep removed.</summary>
public sealed record SweepResult(int Conversations, int UndeliveredOnly, int ErasedLeftovers, int DedupeKeys, int AuditEntries)
{
    /// <summary>Closed cases deleted after Privacy:Retention:ClosedCases.</summary>
    public int ClosedCases { get; init; }

    /// <summary>Inactive conversations reduced to the key of their closed case's summary.</summary>
    public int Stripped { get; init; }

    public int Total => Conversations + UndeliveredOnly + ErasedLeftovers + DedupeKeys + AuditEntries + ClosedCases + Stripped;
}

/// <summary>
/// Enforces what the privacy notice promises, on one instance at a time: conversations inactive for
/// <c>Privacy:Retention:Conversations</c> are erased unless a case for them is still open (a closed case keeps only its
/// summary, until <c>Privacy:Retention:ClosedCases</c>); messages kept only for delivery expire; dedupe hashes and audit
/// entries expire. Each conversation goes in its own transaction, so a restart
/// in the middle loses nothing and the next sweep carries on.
/// </summary>
public sealed partial class RetentionSweep(
    PersonalDataStore store,
    StoreConnections connections,
    IOptions<PrivacyOptions> options,
    TimeProvider time,
    ILogger<RetentionSweep> logger) : BackgroundService
{
    /// <summary>The advisory lock that lets one PostgreSQL instance sweep at a time.</summary>
    public const long SweepLock = 0x61767272_73776570;
    private const string Actor = "retention sweep";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retention = options.Value.Retention;
        // Messages kept only for delivery must not outlive their promise by a whole sweep interval.
        var period = retention.SweepInterval < retention.WithoutConsent ? retention.SweepInterval : retention.WithoutConsent;
        using var timer = new PeriodicTimer(period, time);
        do
        {
            try
            {
                var result = await RunOnceAsync(int.MaxValue, stoppingToken);
                if (result?.Total > 0)
                {
                    Log.Swept(logger, result.Conversations, result.Stripped, result.ClosedCases, result.UndeliveredOnly, result.ErasedLeftovers, result.DedupeKeys, result.AuditEntries);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.Failed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <param name="maxConversations">At most this many conversations are erased in this run (the rest wait for the next).</param>
    /// <returns>What was removed, or null when another instance is sweeping.</returns>
    public async Task<SweepResult?> RunOnceAsync(int maxConversations, CancellationToken ct)
    {
        // One instance sweeps at a time (SQLite has one); the others skip this run.
        await using var lease = await connections.TryLockAsync(SweepLock, ct);
        if (lease is null)
        {
            return null;
        }

        var retention = options.Value.Retention;
        var now = time.GetUtcNow();

        // Messages of conversations without consent: kept only until delivered (and never beyond their expiry).
        var undelivered = await store.ExecuteAsync($"""
            DELETE FROM activities WHERE expires_at IS NOT NULL AND expires_at < @now
              AND delivery NOT IN ({(int)DeliveryStatus.Pending}, {(int)DeliveryStatus.Sending}, {(int)DeliveryStatus.Held})
            """, ct, ("now", now.ToUnixTimeMilliseconds()));

        var erasedLeftovers = await store.DropErasedAsync(now, ct);
        var closedCases = await store.DeleteClosedCasesAsync(now - retention.ClosedCases, ct);

        // Inactive conversations, unless a person is waiting for, or talking to, a counsellor. A closed case's summary
        // is kept longer than the conversation: its conversation keeps only the key that opens it (see StripAsync).
        var cutoff = now - retention.Conversations;
        var stripped = await store.StripForClosedCasesAsync(cutoff, ct);
        var conversations = 0;
        while (conversations < maxConversations)
        {
            var batch = await store.IdsAsync($"""
                SELECT id FROM conversations c WHERE c.updated_at < @cutoff
                  AND c.owner NOT IN ({(int)ConversationOwner.Queued}, {(int)ConversationOwner.Counsellor})
                  AND NOT EXISTS (SELECT 1 FROM cases k WHERE k.conversation_id = c.id)
                ORDER BY c.updated_at LIMIT 200
                """, ct, ("cutoff", cutoff.ToUnixTimeMilliseconds()));
            var erasedInBatch = 0;
            foreach (var id in batch.Take(maxConversations - conversations))
            {
                if (await store.EraseAsync(id, Actor, "inactive longer than Privacy:Retention:Conversations", cutoff, ct))
                {
                    conversations++;
                    erasedInBatch++;
                }
            }

            if (batch.Count < 200 || erasedInBatch == 0)
            {
                break;
            }
        }

        var dedupe = await store.ExpireDedupeKeysAsync(now - retention.DedupeKeys, ct);
        var audit = await store.ExecuteAsync("DELETE FROM audit_log WHERE at < @cutoff", ct, ("cutoff", (now - retention.Audit).ToUnixTimeMilliseconds()));
        return new SweepResult(conversations, undelivered, erasedLeftovers, dedupe, audit) { ClosedCases = closedCases, Stripped = stripped };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Retention sweep removed {Conversations} conversations, the transcripts of {Stripped} with a closed case, {ClosedCases} closed cases, {Undelivered} messages kept only for delivery, {Erased} erased conversations' receipts, {Dedupe} dedupe keys and {Audit} audit entries")]
        public static partial void Swept(ILogger logger, int conversations, int stripped, int closedCases, int undelivered, int erased, int dedupe, int audit);

        [LoggerMessage(EventId = 5102, Level = LogLevel.Error, Message = "The retention sweep failed; it runs again at the next interval")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
