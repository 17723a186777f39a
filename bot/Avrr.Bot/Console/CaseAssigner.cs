using Avrr.Bot.Cases;
using Avrr.Bot.Persistence;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Console;

/// <summary>
/// Every few seconds: a claimed case whose person has waited longer than <c>Console:ReassignAfter</c> for a reply goes
/// back to the queue; with <c>Console:AutoAssign</c>, waiting cases (urgent first, then oldest) go to available,
/// connected counsellors who speak the case's language and are under capacity, the least loaded first. Both go
/// through <see cref="CaseActions"/>, so several instances doing this at once cannot assign a case twice.
/// </summary>
internal sealed partial class CaseAssigner(
    StoreConnections connections,
    CaseActions actions,
    StaffDirectory staff,
    IOptionsMonitor<ConsoleOptions> options,
    TimeProvider time,
    ILogger<CaseAssigner> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.Failed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <returns>How many cases went back to the queue, and how many were assigned.</returns>
    public async Task<(int Released, int Assigned)> RunOnceAsync(CancellationToken ct)
    {
        var settings = options.CurrentValue;
        var released = settings.ReassignAfter > TimeSpan.Zero ? await ReleaseUnansweredAsync(settings.ReassignAfter, ct) : 0;
        var assigned = settings.AutoAssign ? await AssignAsync(ct) : 0;
        return (released, assigned);
    }

    private async Task<int> ReleaseUnansweredAsync(TimeSpan after, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var overdue = new List<string>();
        await using (var connection = await connections.OpenAsync(ct))
        await using (var command = connection.Command("SELECT reference, claimed_at, last_inbound_at, last_reply_at FROM cases WHERE status = 0 AND assignee IS NOT NULL"))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                // The person has waited since the claim or their last message, whichever is later, unless answered since.
                var since = Math.Max(reader.IsDBNull(1) ? 0 : reader.GetInt64(1), reader.IsDBNull(2) ? 0 : reader.GetInt64(2));
                var answered = !reader.IsDBNull(3) && reader.GetInt64(3) >= since;
                if (!answered && since > 0 && now - since > (long)after.TotalMilliseconds)
                {
                    overdue.Add(reader.GetString(0));
                }
            }
        }

        var released = 0;
        foreach (var reference in overdue)
        {
            if (await actions.ReleaseAsync(reference, StaffDirectory.System, $"no reply within {after.TotalMinutes:0} minutes", ct) is CaseActionResult.Done)
            {
                released++;
                Log.Released(logger, reference);
            }
        }

        return released;
    }

    private async Task<int> AssignAsync(CancellationToken ct)
    {
        var waiting = new List<(string Reference, string? Language)>();
        await using (var connection = await connections.OpenAsync(ct))
        await using (var command = connection.Command("SELECT reference, language FROM cases WHERE status = 0 AND assignee IS NULL ORDER BY urgency DESC, created_at LIMIT 100"))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                waiting.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
            }
        }

        if (waiting.Count == 0)
        {
            return 0;
        }

        var load = (await staff.ColleaguesAsync(ct)).Where(c => c.Available && c.Present && c.OpenCases < c.Capacity).ToDictionary(c => c.UserId);
        var assigned = 0;
        foreach (var (reference, language) in waiting)
        {
            var candidate = load.Values
                .Where(c => c.OpenCases < c.Capacity && (language is null || c.Languages.Contains(language, StringComparer.Ordinal)))
                .OrderBy(c => c.OpenCases).ThenBy(c => c.DisplayName, StringComparer.Ordinal)
                .FirstOrDefault();
            if (candidate is null || await staff.FindAsync(candidate.UserId, ct) is not { TakesCases: true } member)
            {
                continue;
            }

            if (await actions.AssignAsync(reference, member, ct) is CaseActionResult.Done)
            {
                load[candidate.UserId] = candidate with { OpenCases = candidate.OpenCases + 1 };
                assigned++;
                Log.Assigned(logger, reference);
            }
        }

        return assigned;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Case {Reference} went back to the queue: no reply in time")]
        public static partial void Released(ILogger logger, string reference);

        [LoggerMessage(EventId = 6102, Level = LogLevel.Information, Message = "Case {Reference} auto-assigned")]
        public static partial void Assigned(ILogger logger, string reference);

        [LoggerMessage(EventId = 6103, Level = LogLevel.Error, Message = "Case assignment failed; it runs again shortly")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
