using System.Net.WebSockets;
using Avrr.Bot.Changes;
using Avrr.Bot.Turns;

namespace Avrr.Bot.DirectLine;

/// <summary>
/// The WebSocket stream: replays everything after the watermark, then pushes new activities as ActivitySets.
/// Client frames are only empty pings and are ignored (the Direct Line 3.0 API reference).
/// </summary>
internal static partial class DirectLineStream
{
    public static async Task AcceptAsync(string conversationId, string? t, string? watermark, HttpContext context, DirectLineTokens tokens, ActivityLog log, ConversationEvents events, TimeProvider time, IHostApplicationLifetime lifetime, ILoggerFactory loggers)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await DirectLineErrors.BadArgument("This endpoint accepts WebSocket connections only.").ExecuteAsync(context);
            return;
        }

        DirectLineGrant? grant = null;
        var check = t is null ? TokenCheck.Invalid : tokens.ConsumeStreamToken(t, out grant);
        if (check != TokenCheck.Valid || !string.Equals(grant!.ConversationId, conversationId, StringComparison.Ordinal))
        {
            await (check == TokenCheck.Expired ? DirectLineErrors.TokenExpired() : DirectLineErrors.Forbidden()).ExecuteAsync(context);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var logger = loggers.CreateLogger("Avrr.Bot.DirectLine.Stream");

        // Subscribe before the first read, so nothing committed in between is missed.
        using var subscription = events.Subscribe(conversationId);
        var receiving = DrainClientFramesAsync(socket, stop.Token);
        var untilExpiry = grant.Expires - time.GetUtcNow();
        var expiry = Task.Delay(untilExpiry > TimeSpan.Zero ? untilExpiry : TimeSpan.Zero, time, stop.Token);

        var after = DirectLineEndpoints.ParseWatermark(watermark);
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var batch = await log.ReadAfterAsync(conversationId, after, ActivitySetWriter.PageSize, stop.Token);
                if (batch.Count > 0)
                {
                    after = batch[^1].Seq;
                    var frame = ActivitySetWriter.Write(batch, after.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, stop.Token);
                    if (batch.Count == ActivitySetWriter.PageSize)
                    {
                        continue;
                    }
                }

                var nudge = subscription.Reader.WaitToReadAsync(stop.Token).AsTask();
                var woke = await Task.WhenAny(nudge, receiving, expiry);
                if (woke != nudge)
                {
                    break;
                }

                subscription.Reader.TryRead(out _);
            }
        }
        catch (OperationCanceledException)
        {
            // Client went away or the host is stopping.
        }
        catch (WebSocketException ex)
        {
            Log.StreamFailed(logger, ex.WebSocketErrorCode);
        }

        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            // The client reconnects through GET /conversations/{id} and resumes from its watermark.
            var reason = expiry.IsCompleted ? "token expired" : "closing";
            try
            {
                using var closeTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, reason, closeTimeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // The peer is already gone.
            }
        }
    }

    private static async Task DrainClientFramesAsync(WebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Treated as the client leaving.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Direct Line stream ended with {ErrorCode}")]
        public static partial void StreamFailed(ILogger logger, WebSocketError errorCode);
    }
}
