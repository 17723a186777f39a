namespace Avrr.Bot.Channels.BotService;

/// <summary>
/// <c>Channels:BotService:*</c>: the Azure Bot registration. The channel is on when the app id and a credential (a
/// client secret or a certificate) are set.
/// </summary>
public sealed class BotServiceOptions
{
    public const string Section = "Channels:BotService";

    /// <summary>The Microsoft App ID of the Azure Bot resource: the audience of inbound tokens and the client id of outbound ones.</summary>
    public string? AppId { get; set; }

    /// <summary>The app registration's client secret. A secret: never logged or shown.</summary>
    public string? AppPassword { get; set; }

    /// <summary>Instead of a secret: a PKCS#12 (.pfx) file whose certificate is registered on the app.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The .pfx file's password, if it has one. A secret.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// Instead of a secret or certificate: the token comes from the managed identity of the host (Azure Container Apps,
    /// App Service), whose client id is then the <see cref="AppId"/>. No secret to store or to expire.
    /// </summary>
    public bool ManagedIdentity { get; set; }

    /// <summary>The host's identity endpoint; the platform sets <c>IDENTITY_ENDPOINT</c>, which is used when this is empty.</summary>
    public string? ManagedIdentityEndpoint { get; set; }

    /// <summary>The header value the identity endpoint asks for; the platform sets <c>IDENTITY_HEADER</c>. A secret.</summary>
    public string? ManagedIdentityHeader { get; set; }

    /// <summary>
    /// The app's Entra tenant (single-tenant bots, the only kind Azure creates since July 2025). Empty means a
    /// multi-tenant registration, which gets its tokens from the <c>botframework.com</c> tenant.
    /// </summary>
    public string? TenantId { get; set; }

    /// <summary>Where the Bot Connector publishes its signing keys (changed only for sovereign clouds and tests).</summary>
    public string OpenIdMetadataUrl { get; set; } = "https://login.botframework.com/v1/.well-known/openidconfiguration";

    /// <summary>The issuer of the Bot Connector's tokens.</summary>
    public string TokenIssuer { get; set; } = "https://api.botframework.com";

    /// <summary>The Entra sign-in host the bot gets its own tokens from.</summary>
    public string LoginUrl { get; set; } = "https://login.microsoftonline.com";

    /// <summary>The scope of the bot's tokens for the Connector.</summary>
    public string Scope { get; set; } = "https://api.botframework.com/.default";

    /// <summary>
    /// When a case opens, also send the Bot Framework <c>handoff.initiate</c> event, for an agent hub connected to the
    /// registration. Counsellors in the console see the case either way.
    /// </summary>
    public bool AgentHub { get; set; }

    /// <summary>Attach the transcript (what the conversation kept, with the person's consent) to <c>handoff.initiate</c>.</summary>
    public bool AgentHubTranscript { get; set; } = true;

    /// <summary>Activities older than this when they arrive (a replay after an outage) are not answered.</summary>
    public int MaxMessageAgeHours { get; set; } = 24;

    public bool Enabled => !string.IsNullOrWhiteSpace(AppId) && (!string.IsNullOrWhiteSpace(AppPassword) || !string.IsNullOrWhiteSpace(CertificatePath) || ManagedIdentity);

    /// <summary>How the bot proves itself to the Connector, for the channels page (never the secret itself).</summary>
    public string Credential => ManagedIdentity ? "managed identity" : !string.IsNullOrWhiteSpace(AppPassword) ? "client secret" : "certificate";

    /// <summary>The tenant that issues the bot's own tokens.</summary>
    public string TokenTenant => string.IsNullOrWhiteSpace(TenantId) ? "botframework.com" : TenantId;
}
