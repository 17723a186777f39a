using Avrr.Bot.Channels.BotService;
using Avrr.Bot.Channels.Telegram;
using Avrr.Bot.Channels.WhatsApp;
using Avrr.Bot.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Channels;

/// <summary>
/// How each channel is doing, for the channels page: whether it is configured (never a secret), when a person last
/// wrote, what waits, is held or failed, and the latest error (this instance's, or the last one stored).
/// </summary>
public sealed class ChannelHealth(
    IDbContextFactory<AvrrDbContext> contexts,
    ChannelStatus status,
    IOptions<TelegramOptions> telegram,
    IOptions<WhatsAppOptions> whatsApp,
    IOptions<BotServiceOptions> botService)
{
    public sealed record Row(string Channel, string Configured, long? LastInbound, DateTimeOffset? LastSent, int Backlog, int Held, int Failed, string? LastError, long? LastErrorAt);

    public async Task<IReadOnlyList<Row>> ReadAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = new List<Row>();
        foreach (var (channel, configured) in new[]
        {
            ("directline", "yes (web chat)"),
            (TelegramSender.ChannelName, telegram.Value.Enabled ? $"yes, {(telegram.Value.Mode == TelegramMode.Webhook ? "webhook" : "long polling")}" : "no (Channels:Telegram:Token)"),
            (WhatsAppSender.ChannelName, whatsApp.Value.Enabled ? $"yes, number id …{Last4(whatsApp.Value.PhoneNumberId)}" : "no (Channels:WhatsApp:AccessToken, PhoneNumberId, AppSecret)"),
            (BotServiceSender.ChannelName, botService.Value.Enabled
                ? $"yes, app id …{Last4(botService.Value.AppId)}, {botService.Value.Credential}{(botService.Value.AgentHub ? ", agent hub" : "")}"
                : "no (Channels:BotService:AppId and AppPassword, CertificatePath or ManagedIdentity)"),
        })
        {
            var lastInbound = await db.Inbox.Where(i => i.Channel == channel).MaxAsync(i => (long?)i.ReceivedAt, ct);
            var outbox = db.Activities.Where(a => a.Direction == ActivityDirection.Out && db.Conversations.Any(c => c.Id == a.ConversationId && c.Channel == channel));
            var backlog = await outbox.CountAsync(a => a.Delivery == DeliveryStatus.Pending || a.Delivery == DeliveryStatus.Sending, ct);
            var held = await outbox.CountAsync(a => a.Delivery == DeliveryStatus.Held, ct);
            var failed = await outbox.CountAsync(a => a.Delivery == DeliveryStatus.Failed, ct);
            var stored = await outbox.Where(a => a.LastError != null).OrderByDescending(a => a.CreatedAt).Select(a => new { a.LastError, a.CreatedAt }).FirstOrDefaultAsync(ct);
            var live = status.Get(channel);
            var useLive = live.LastErrorAt is { } liveAt && (stored is null || liveAt.ToUnixTimeMilliseconds() >= stored.CreatedAt);
            rows.Add(new Row(channel, configured, lastInbound, live.LastSent, backlog, held, failed,
                useLive ? live.LastError : stored?.LastError, useLive ? live.LastErrorAt!.Value.ToUnixTimeMilliseconds() : stored?.CreatedAt));
        }

        return rows;
    }

    private static string Last4(string? value) => value is { Length: > 4 } ? value[^4..] : "";
}
