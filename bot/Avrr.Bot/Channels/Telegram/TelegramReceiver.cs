using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Avrr.Bot.Common;
using Avrr.Bot.Persistence;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Avrr.Bot.Channels.Telegram;

/// <summary>
/// Receives updates: long polling (no public URL needed) or the webhook, which is registered at start-up with its
/// secret. Either way an update is stored before it is confirmed, so none is lost and none runs twice.
/// </summary>
internal sealed partial class TelegramReceiver(
    ITelegramBotClient client,
    TelegramIntake intake,
    IOptions<TelegramOptions> options,
    ChannelStatus status,
    StoreConnections connections,
    TimeProvider time,
    ILogger<TelegramReceiver> logger) : BackgroundService
{
    /// <summary>
    /// The PostgreSQL advisory lock of the one instance that long-polls: Telegram allows one <c>getUpdates</c> at a
    /// time per bot and answers a second with 409, so several instances polling would keep cutting each other off.
    /// </summary>
    public const long PollLock = 0x61767272_74677075;

    /// <summary>How often an instance that does not poll checks whether the poller has gone.</summary>
    private static readonly TimeSpan TakeOverInterval = TimeSpan.FromSeconds(5);

    public const string WebhookPath = "/channels/telegram";
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";
    private static readonly UpdateType[] AllowedUpdates = [UpdateType.Message, UpdateType.CallbackQuery, UpdateType.MyChatMember];

    /// <summary>Above the long-poll timeout, so a quiet <c>getUpdates</c> is not cut short.</summary>
    public static TimeSpan PollCallTimeout(TelegramOptions settings) => TimeSpan.FromSeconds(Math.Clamp(settings.PollTimeoutSeconds, 0, 50) + 15);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return Task.CompletedTask;
        }

        status.SetMode(TelegramSender.ChannelName, settings.Mode == TelegramMode.Webhook ? "webhook" : "long polling");
        return settings.Mode == TelegramMode.Webhook ? RegisterWebhookAsync(settings, stoppingToken) : PollAsync(settings, stoppingToken);
    }

    private async Task RegisterWebhookAsync(TelegramOptions settings, CancellationToken ct)
    {
        var url = settings.PublicUrl!.TrimEnd('/') + WebhookPath;
        for (var attempt = 0; !ct.IsCancellationRequested; attempt++)
        {
            try
            {
                await client.SetWebhook(url, secretToken: settings.WebhookSecret, allowedUpdates: AllowedUpdates, cancellationToken: ct);
                Log.WebhookSet(logger);
                return;
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                Report(ex);
                await Task.Delay(Delay(ex, attempt), time, ct);
            }
        }
    }

    private async Task PollAsync(TelegramOptions settings, CancellationToken ct)
    {
        // Only the instance holding the lock polls; the others wait to take over if it stops.
        await using var lease = await LeadAsync(ct);
        var timeout = Math.Clamp(settings.PollTimeoutSeconds, 0, 50);
        var offset = 0;
        var webhookCleared = false;
        for (var failures = 0; !ct.IsCancellationRequested;)
        {
            try
            {
                if (!webhookCleared)
                {
                    // getUpdates answers 409 while a webhook is set; pending updates are kept.
                    await client.DeleteWebhook(dropPendingUpdates: false, cancellationToken: ct);
                    webhookCleared = true;
                }

                var updates = await client.GetUpdates(offset, timeout: timeout, allowedUpdates: AllowedUpdates, cancellationToken: ct);
                foreach (var update in updates)
                {
                    // Stored first, then confirmed by the next offset: a crash here means a redelivery, which the inbox drops.
                    await intake.AcceptAsync(update, ct);
                    offset = update.Id + 1;
                }

                failures = 0;
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                // Any failure (the platform, the network, the store) is reported and retried; the offset is not
                // advanced past an update that was not stored.
                Report(ex);
                await Task.Delay(Delay(ex, failures++), time, ct);
            }
        }
    }

    private async Task<IAsyncDisposable> LeadAsync(CancellationToken ct)
    {
        for (var waited = false; ; waited = true)
        {
            try
            {
                if (await connections.TryLockAsync(PollLock, ct) is { } lease)
                {
                    if (waited)
                    {
                        Log.TookOver(logger);
                    }

                    return lease;
                }
            }
            catch (Exception ex) when (!ct.IsCancellationRequested && ex is System.Data.Common.DbException or TimeoutException)
            {
                // The database is not there yet: try again like any other failure.
                Log.ReceiveFailed(logger, 0, ex.Message);
            }

            await Task.Delay(TakeOverInterval, time, ct);
        }
    }

    private void Report(Exception ex)
    {
        var error = TelegramSender.Describe(ex);
        status.Error(TelegramSender.ChannelName, error, time.GetUtcNow());
        Log.ReceiveFailed(logger, (ex as ApiRequestException)?.ErrorCode ?? 0, error);
    }

    private static TimeSpan Delay(Exception ex, int failures) =>
        ex is ApiRequestException { Parameters.RetryAfter: { } seconds } ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, Math.Min(failures, 5))));

    /// <summary>The webhook endpoint: the secret in constant time, then the update into the inbox, then 200.</summary>
    public static async Task<IResult> HandleWebhookAsync(HttpContext context, IOptions<TelegramOptions> options)
    {
        var settings = options.Value;
        if (!settings.Enabled || settings.Mode != TelegramMode.Webhook || string.IsNullOrEmpty(settings.WebhookSecret))
        {
            return Results.NotFound();
        }

        var presented = context.Request.Headers[SecretHeader].ToString();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(settings.WebhookSecret)))
        {
            return Results.Unauthorized();
        }

        var body = await BoundedBody.ReadAsync(context.Request, 1_000_000, context.RequestAborted);
        if (body is null)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        Update? update;
        try
        {
            update = JsonSerializer.Deserialize<Update>(body, JsonBotAPI.Options);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or FormatException or InvalidOperationException)
        {
            // The library's converters throw more than JsonException on shapes Telegram never sends.
            return Results.BadRequest();
        }

        if (update is null)
        {
            return Results.BadRequest();
        }

        // A message Telegram sent in a shape no update has is refused; everything else is acknowledged at once.
        var intake = context.RequestServices.GetRequiredService<TelegramIntake>();
        return await intake.AcceptAsync(update, context.RequestAborted) is null ? Results.BadRequest() : Results.Ok();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Telegram webhook registered")]
        public static partial void WebhookSet(ILogger logger);

        [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Receiving from Telegram failed ({Code}, {Error}); retrying")]
        public static partial void ReceiveFailed(ILogger logger, int code, string error);

        [LoggerMessage(EventId = 4104, Level = LogLevel.Information, Message = "Telegram long polling taken over from another instance")]
        public static partial void TookOver(ILogger logger);
    }
}
