using Avrr.Bot.Channels.Telegram;
using Avrr.Bot.Channels.WhatsApp;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Channels;

internal static class ChannelSetup
{
    /// <summary>Telegram and WhatsApp when configured, and the outbox relay that delivers to them.</summary>
    public static WebApplicationBuilder AddPushChannels(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OutboxStore>();
        builder.Services.AddSingleton<ChannelStatus>();
        builder.Services.AddHostedService<OutboxRelay>();

        builder.Services.AddOptions<TelegramOptions>().BindConfiguration(TelegramOptions.Section)
            .Validate(o => !o.Enabled || o.Mode != TelegramMode.Webhook || (!string.IsNullOrEmpty(o.PublicUrl) && IsSecretToken(o.WebhookSecret)),
                "Channels:Telegram:Mode is Webhook: set Channels:Telegram:PublicUrl (the public HTTPS base) and Channels:Telegram:WebhookSecret (1–256 of A-Z a-z 0-9 _ -).")
            .ValidateOnStart();
        builder.Services.AddSingleton<TelegramClient>();
        builder.Services.AddSingleton<TelegramIntake>();
        builder.Services.AddHostedService<TelegramReceiver>();
        builder.Services.AddSingleton<IChannelSender>(services => services.GetRequiredService<IOptions<TelegramOptions>>().Value.Enabled
            ? ActivatorUtilities.CreateInstance<TelegramSender>(services)
            : new DisabledSender(TelegramSender.ChannelName));

        builder.Services.AddOptions<WhatsAppOptions>().BindConfiguration(WhatsAppOptions.Section)
            .Validate(o => !o.Enabled || !string.IsNullOrEmpty(o.VerifyToken), "Channels:WhatsApp: set VerifyToken (what you type as the verify token in the Meta app's webhook settings).")
            .ValidateOnStart();
        builder.Services.AddSingleton<WhatsAppClient>();
        builder.Services.AddSingleton<WhatsAppWebhook>();
        builder.Services.AddSingleton<IChannelSender>(services => services.GetRequiredService<IOptions<WhatsAppOptions>>().Value.Enabled
            ? ActivatorUtilities.CreateInstance<WhatsAppSender>(services)
            : new DisabledSender(WhatsAppSender.ChannelName));
        return builder;
    }

    public static WebApplication MapPushChannels(this WebApplication app)
    {
        app.MapPost(TelegramReceiver.WebhookPath, TelegramReceiver.HandleWebhookAsync);
        app.MapGet(WhatsAppWebhook.Path, (HttpRequest request, IOptions<WhatsAppOptions> options) => WhatsAppWebhook.Verify(request, options));
        app.MapPost(WhatsAppWebhook.Path, (HttpContext context, WhatsAppWebhook webhook) => webhook.ReceiveAsync(context));
        return app;
    }

    private static bool IsSecretToken(string? value) =>
        value is { Length: >= 1 and <= 256 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    /// <summary>A channel that is not configured: its rows wait (visible as backlog) until it is.</summary>
    internal sealed class DisabledSender(string channel) : IChannelSender
    {
        public string Channel => channel;

        public Task<SendResult> SendAsync(OutboxItem item, CancellationToken ct) =>
            Task.FromResult<SendResult>(new SendResult.RetryAt(DateTimeOffset.MaxValue.AddYears(-1), $"{channel} is not configured"));
    }
}
