using Avrr.Bot.Common;
using Avrr.Bot.Turns;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Channels.BotService;

internal static class BotServiceSetup
{
    /// <summary>
    /// Azure Bot Service (Teams, Messenger, Slack and the other channels of one registration) when
    /// <c>Channels:BotService:AppId</c> and a credential are set: <c>/api/messages</c>, the Connector's token, the sender.
    /// </summary>
    public static IServiceCollection AddBotService(this IServiceCollection services)
    {
        services.AddOptions<BotServiceOptions>().BindConfiguration(BotServiceOptions.Section)
            .Validate(o => !o.Enabled || Absolute(o.OpenIdMetadataUrl) && Absolute(o.LoginUrl),
                "Channels:BotService: OpenIdMetadataUrl and LoginUrl must be absolute URLs.")
            .Validate(o => string.IsNullOrWhiteSpace(o.CertificatePath) || !string.IsNullOrWhiteSpace(o.AppPassword) || File.Exists(o.CertificatePath),
                "Channels:BotService:CertificatePath: the file does not exist (a .pfx with the app registration's certificate and its private key).")
            .Validate(o => string.IsNullOrWhiteSpace(o.AppId) || o.Enabled,
                "Channels:BotService: AppId is set but no credential: set AppPassword (the client secret), CertificatePath, or ManagedIdentity (on a host with a managed identity).")
            .ValidateOnStart();
        services.AddOutboundClient(BotServiceSender.ClientName);
        services.AddOutboundClient(ConnectorToken.ClientName);
        services.AddOutboundClient(ConnectorAuthentication.ClientName);
        services.AddSingleton<ConnectorAuthentication>();
        services.AddSingleton<ConnectorToken>();
        services.AddSingleton<BotServiceEndpoint>();
        services.AddSingleton<IHandoffEventChannel, AgentHub>();
        services.AddSingleton<IChannelSender>(provider => provider.GetRequiredService<IOptions<BotServiceOptions>>().Value.Enabled
            ? ActivatorUtilities.CreateInstance<BotServiceSender>(provider)
            : new ChannelSetup.DisabledSender(BotServiceSender.ChannelName));
        return services;
    }

    public static IEndpointRouteBuilder MapBotService(this IEndpointRouteBuilder app)
    {
        app.MapPost(BotServiceEndpoint.Path, (HttpContext context, BotServiceEndpoint endpoint) => endpoint.ReceiveAsync(context));
        return app;
    }

    /// <summary>Cases of Bot Service conversations are announced to the agent hub when <c>AgentHub</c> is on.</summary>
    private sealed class AgentHub(IOptions<BotServiceOptions> options) : IHandoffEventChannel
    {
        public string Channel => BotServiceSender.ChannelName;

        public bool Enabled => options.Value.Enabled && options.Value.AgentHub;
    }

    private static bool Absolute(string url) => Uri.TryCreate(url, UriKind.Absolute, out _);
}
