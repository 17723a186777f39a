using Avrr.Bot.Channels.BotService;
using Avrr.Bot.Channels.Telegram;
using Avrr.Bot.Channels.WhatsApp;
using Avrr.Bot.Common;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Channels;

internal static class ChannelSetup
{
    /// <summary>Telegram, WhatsApp and Azure Bot Service when configured, and the outbox relay that delivers to them.</summary>
    public static WebApplicationBuilder AddPushChannels(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OutboxStore>();
        builder.Services.AddSingleton<ChannelStatus>();
        builder.Services.AddSingleton<ChannelHealth>();
        builder.Services.AddHostedService<OutboxRelay>();

        builder.Services.AddTelegram();
        builder.Services.AddBotService();

        builder.Services.AddOptions<WhatsAppOptions>().BindConfiguration(WhatsAppOptions.Section)
            .Validate(o => !o.Enabled || !string.IsNullOrEmpty(o.VerifyToken), "Channels:WhatsApp: set VerifyToken (what you type as the verify token in the Meta app's webhook settings).")
            .ValidateOnStart();
        builder.Services.AddOutboundClient(WhatsAppClient.ClientName);
        builder.Services.AddSingleton<WhatsAppClient>();
        builder.Services.AddSingleton<WhatsAppWebhook>();
        builder.Services.AddSingleton<IChannelSender>(services => services.GetRequiredService<IOptions<WhatsAppOptions>>().Value.Enabled
            ? ActivatorUtilities.CreateInstance<WhatsAppSender>(services)
            : new DisabledSender(WhatsAppSender.ChannelName));
        return builder;
    }

    public static WebApplication MapPushChannels(this WebApplication app)
    {
        app.MapTelegram();
        app.MapBotService();
        app.MapGet(WhatsAppWebhook.Path, (HttpRequest request, IOptions<WhatsAppOptions> options) => WhatsAppWebhook.Verify(request, options));
        app.MapPost(WhatsAppWebhook.Path, (HttpContext context, WhatsAppWebhook webhook) => webhook.ReceiveAsync(context));
        return app;
    }

    /// <summary>The receiver of a channel that is not configured: nothing to receive.</summary>
    internal sealed class Off : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
    }

    /// <summary>A channel that is not configured: its rows wait (visible as backlog) until it is.</summary>
    internal sealed class DisabledSender(string channel) : IChannelSender
    {
        public string Channel => channel;

        public Task<SendResult> SendAsync(OutboxItem item, CancellationToken ct) =>
            Task.FromResult<SendResult>(new SendResult.RetryAt(DateTimeOffset.MaxValue.AddYears(-1), $"{channel} is not configured"));
    }
}
