using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Avrr.Bot.Cases;
using Avrr.Bot.Common;
using Avrr.Bot.Persistence;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Console;

/// <summary>
/// Posts the case export to <c>Cases:Webhook:Url</c> when a case opens and when it closes: the body is
/// <c>{"event", "deliveryId", "case"}</c>, signed with HMAC-SHA256 of the exact body in
/// <c>X-Avrr-Signature: sha256=&lt;hex&gt;</c>. Deliveries are rows written in the case's own transaction, claimed with a
/// lease (so one instance sends each), retried with back-off for about a day; the body is built when it is sent, so
/// a case erased meanwhile is never posted.
/// </summary>
internal sealed partial class CaseWebhookRelay(
    StoreConnections connections,
    CaseQueries queries,
    IHttpClientFactory clients,
    IOptions<CasesOptions> options,
    TimeProvider time,
    ILogger<CaseWebhookRelay> logger) : BackgroundService
{
    public const string ClientName = "case-webhook";
    public const int MaxAttempts = 12;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Webhook.Enabled)
        {
            return;
        }

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

    /// <returns>How many deliveries landed in this run.</returns>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var webhook = options.Value.Webhook;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var due = new List<(long Id, long CaseId, string Event, int Attempts)>();
        await using (var connection = await connections.OpenAsync(ct))
        await using (var command = connection.Command("SELECT id, case_id, event, attempts FROM case_webhooks WHERE delivered_at IS NULL AND next_attempt_at <= @now ORDER BY id LIMIT 20", ("now", now)))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                due.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt32(3)));
            }
        }

        var delivered = 0;
        foreach (var (id, caseId, caseEvent, attempts) in due)
        {
            if (await ExecuteAsync("UPDATE case_webhooks SET next_attempt_at = @lease WHERE id = @id AND delivered_at IS NULL AND next_attempt_at <= @now", ct,
                    ("lease", now + (long)Lease.TotalMilliseconds), ("id", id), ("now", now)) != 1)
            {
                continue;
            }

            var reference = await ReferenceAsync(caseId, ct);
            var export = reference is null ? null : await queries.ExportAsync(reference, null, null, ct);
            if (export is null)
            {
                // Erased meanwhile: nothing about the person may leave now.
                await ExecuteAsync("DELETE FROM case_webhooks WHERE id = @id", ct, ("id", id));
                continue;
            }

            var body = JsonSerializer.SerializeToUtf8Bytes(new { @event = caseEvent, deliveryId = id.ToString(CultureInfo.InvariantCulture), @case = export.Value }, CaseExport.Json);
            string? error;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                request.Headers.Add("X-Avrr-Event", caseEvent);
                request.Headers.Add("X-Avrr-Delivery", id.ToString(CultureInfo.InvariantCulture));
                request.Headers.Add("X-Avrr-Signature", Signature(webhook.Secret!, body));
                using var response = await clients.CreateClient(ClientName).SendAsync(request, ct);
                error = response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception ex) when (OutboundHttp.IsTransportFailure(ex) && !ct.IsCancellationRequested)
            {
                error = ex.GetType().Name + ": " + ex.Message;
            }

            var at = time.GetUtcNow().ToUnixTimeMilliseconds();
            if (error is null)
            {
                await ExecuteAsync("UPDATE case_webhooks SET delivered_at = @at, attempts = attempts + 1, last_error = NULL WHERE id = @id", ct, ("at", at), ("id", id));
                delivered++;
                continue;
            }

            var gaveUp = attempts + 1 >= MaxAttempts;
            await ExecuteAsync("UPDATE case_webhooks SET attempts = attempts + 1, next_attempt_at = @next, last_error = @error WHERE id = @id", ct,
                ("next", gaveUp ? null : at + (long)Backoff(attempts).TotalMilliseconds), ("error", (gaveUp ? "gave up: " : "") + (error.Length > 900 ? error[..900] : error)), ("id", id));
            Log.NotDelivered(logger, caseEvent, attempts + 1, error);
        }

        return delivered;
    }

    /// <summary>The header value a receiver recomputes: <c>sha256=</c> and the hex HMAC-SHA256 of the body with the shared secret.</summary>
    public static string Signature(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>10 s, 20 s, 40 s … capped at 4 hours: twelve attempts span about a day.</summary>
    internal static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(Math.Min(4 * 3600, 10 * Math.Pow(2, attempts)));

    private async Task<string?> ReferenceAsync(long caseId, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = connection.Command("SELECT reference FROM cases WHERE id = @id", ("id", caseId));
        return await command.ExecuteScalarAsync(ct) as string;
    }

    private async Task<int> ExecuteAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = connection.Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6201, Level = LogLevel.Warning, Message = "Case webhook {Event} not delivered (attempt {Attempt}): {Error}")]
        public static partial void NotDelivered(ILogger logger, string @event, int attempt, string error);

        [LoggerMessage(EventId = 6202, Level = LogLevel.Error, Message = "The case webhook relay failed; it runs again shortly")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
