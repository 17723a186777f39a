using Avrr.Bot.Common;
using Microsoft.Extensions.Options;
using Telegram.Bot;

namespace Avrr.Bot.Channels.Telegram;

internal static class TelegramSetup
{
    private const string ClientName = "telegram";

    /// <summary>
    /// The Bot API client (Telegram.Bot) on the outbound transport pipeline, the receiver (long polling or webhook) and
    /// the sender. The channel is on when <c>Channels:Telegram:Token</c> is set.
    /// </summary>
    public static IServiceCollection AddTelegram(this IServiceCollection services)
    {
        services.AddOptions<TelegramOptions>().BindConfiguration(TelegramOptions.Section)
            .Validate(o => !o.Enabled || o.Mode != TelegramMode.Webhook || (!string.IsNullOrEmpty(o.PublicUrl) && IsSecretToken(o.WebhookSecret)),
                "Channels:Telegram:Mode is Webhook: set Channels:Telegram:PublicUrl (the public HTTPS base) and Channels:Telegram:WebhookSecret (1–256 of A-Z a-z 0-9 _ -).")
            .Validate(o => Uri.TryCreate(o.ApiBaseUrl, UriKind.Absolute, out _), "Channels:Telegram:ApiBaseUrl must be an absolute URL (e.g. https://api.telegram.org or a self-hosted Bot API server).")
            .ValidateOnStart();

        services.AddOutboundClient(ClientName, TimeoutFor, urlCarriesSecret: true);
        services.AddSingleton<ITelegramBotClient>(provider =>
        {
            var settings = provider.GetRequiredService<IOptions<TelegramOptions>>().Value;
            if (!settings.Enabled)
            {
                throw new InvalidOperationException("Telegram is off: set Channels:Telegram:Token to turn it on.");
            }

            var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName);
            // No retries inside the library: the outbox owns them (order, retry_after, back-off), so nothing is sent twice.
            return new TelegramBotClient(new TelegramBotClientOptions(settings.Token!, settings.ApiBaseUrl) { RetryThreshold = 0, RetryCount = 0 }, http);
        });
        services.AddSingleton<TelegramIntake>();
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<IOptions<TelegramOptions>>().Value.Enabled
            ? ActivatorUtilities.CreateInstance<TelegramReceiver>(provider)
            : new ChannelSetup.Off());
        services.AddSingleton<IChannelSender>(provider => provider.GetRequiredService<IOptions<TelegramOptions>>().Value.Enabled
            ? ActivatorUtilities.CreateInstance<TelegramSender>(provider)
            : new ChannelSetup.DisabledSender(TelegramSender.ChannelName));
        return services;
    }

    public static IEndpointRouteBuilder MapTelegram(this IEndpointRouteBuilder app)
    {
        app.MapPost(TelegramReceiver.WebhookPath, TelegramReceiver.HandleWebhookAsync);
        return app;
    }

    /// <summary>A long poll waits up to its timeout for updates; every other call gets the default.</summary>
    private static TimeSpan TimeoutFor(HttpRequestMessage? request, IServiceProvider provider) =>
        request?.RequestUri?.AbsolutePath.EndsWith("/getUpdates", StringComparison.OrdinalIgnoreCase) == true
            ? TelegramReceiver.PollCallTimeout(provider.GetRequiredService<IOptions<TelegramOptions>>().Value)
            : OutboundHttp.DefaultTimeout;

    private static bool IsSecretToken(string? value) =>
        value is { Length: >= 1 and <= 256 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
