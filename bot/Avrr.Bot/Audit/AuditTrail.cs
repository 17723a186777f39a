using System.Globalization;
using System.Text;
using Avrr.Bot.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Avrr.Bot.Audit;

/// <summary>What supervisors and administrators filter the audit by; empty fields do not filter.</summary>
public sealed record AuditFilter(string? Actor, string? Action, string? Target, DateOnly? From, DateOnly? To);

/// <summary>
/// The audit trail: who did what to which record, never a person's words. Written by every capability (staff sign-in,
/// content, cases, erasure), read at /audit: filtered, newest first, and as CSV for export.
/// </summary>
public sealed class AuditTrail(IDbContextFactory<AvrrDbContext> contexts, TimeProvider time)
{
    public const int PageSize = 500;
    public const int ExportLimit = 100_000;

    /// <summary>The one statement for writers on a raw connection, inside their own transaction (turns, erasure).</summary>
    public const string InsertSql = "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (@at, @actor, @action, @target, @detail)";

    /// <summary>One entry on its own.</summary>
    public async Task WriteAsync(string actor, string action, string target, string? detail, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        Add(db, actor, action, target, detail);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>One entry saved with the caller's other changes, so the record and its audit commit together.</summary>
    public void Add(AvrrDbContext db, string actor, string action, string target, string? detail) =>
        db.AuditLog.Add(new AuditRecord
        {
            At = time.GetUtcNow().ToUnixTimeMilliseconds(),
            Actor = Clip(actor, 256),
            Action = action,
            Target = Clip(target, 300),
            Detail = detail is null ? null : Clip(detail, 4000),
        });

    /// <summary>A field cut to its column's length (the schema's limits for actor, target and detail).</summary>
    public static string Clip(string value, int length) => value.Length > length ? value[..length] : value;

    public async Task<IReadOnlyList<AuditRecord>> LatestAsync(int max, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.AuditLog.AsNoTracking().OrderByDescending(a => a.Id).Take(max).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<AuditRecord>> FindAsync(AuditFilter filter, int max, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await Query(db, filter).OrderByDescending(a => a.Id).Take(max).ToListAsync(ct);
    }

    /// <summary>RFC 4180 CSV; a cell that a spreadsheet would run as a formula is prefixed with a quote.</summary>
    public async Task<byte[]> CsvAsync(AuditFilter filter, CancellationToken ct)
    {
        var csv = new StringBuilder("at_utc,actor,action,target,detail\r\n");
        foreach (var entry in await FindAsync(filter, ExportLimit, ct))
        {
            csv.Append(Cell(DateTimeOffset.FromUnixTimeMilliseconds(entry.At).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))).Append(',')
                .Append(Cell(entry.Actor)).Append(',').Append(Cell(entry.Action)).Append(',').Append(Cell(entry.Target)).Append(',').Append(Cell(entry.Detail ?? "")).Append("\r\n");
        }

        return Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray();
    }

    private static IQueryable<AuditRecord> Query(AvrrDbContext db, AuditFilter filter)
    {
        var query = db.AuditLog.AsNoTracking();
        if (filter.Actor is { Length: > 0 } actor)
        {
            query = query.Where(a => a.Actor.Contains(actor));
        }

        if (filter.Action is { Length: > 0 } action)
        {
            query = query.Where(a => a.Action.StartsWith(action));
        }

        if (filter.Target is { Length: > 0 } target)
        {
            query = query.Where(a => a.Target.Contains(target));
        }

        if (filter.From is { } from)
        {
            var since = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
            query = query.Where(a => a.At >= since);
        }

        if (filter.To is { } to)
        {
            var until = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
            query = query.Where(a => a.At < until);
        }

        return query;
    }

    private static string Cell(string value)
    {
        if (value.Length > 0 && "=+-@\t\r".Contains(value[0], StringComparison.Ordinal))
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
