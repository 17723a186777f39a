using System.Text.Json;
using System.Text.Json.Serialization;

namespace Avrr.Bot.Channels.BotService;

/// <summary>
/// Where a Bot Service conversation's replies go (a ConversationReference, trimmed): sealed on the conversation like a
/// phone number. The conversation is found by its channel and conversation id only, so a new <c>serviceUrl</c> (Teams
/// moves them between regions) updates the address instead of starting a new conversation.
/// </summary>
internal sealed record ConnectorAddress(
    [property: JsonPropertyName("s")] string ServiceUrl,
    [property: JsonPropertyName("ch")] string ChannelId,
    [property: JsonPropertyName("c")] string ConversationId,
    [property: JsonPropertyName("b")] string BotId,
    [property: JsonPropertyName("bn")] string? BotName,
    [property: JsonPropertyName("u")] string UserId,
    [property: JsonPropertyName("t")] string? TenantId)
{
    /// <summary>What identifies the conversation across messages: its hash finds it.</summary>
    public string Key => ChannelId + "\n" + ConversationId;

    public string Serialize() => JsonSerializer.Serialize(this, ConnectorAddressJson.Default.ConnectorAddress);

    public static ConnectorAddress? Parse(string sealedForm)
    {
        try
        {
            return JsonSerializer.Deserialize(sealedForm, ConnectorAddressJson.Default.ConnectorAddress);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The activities endpoint of the conversation; the service URL usually ends in a slash, the id is escaped.</summary>
    public Uri ActivitiesUri() => new($"{ServiceUrl.TrimEnd('/')}/v3/conversations/{Uri.EscapeDataString(ConversationId)}/activities");
}

[JsonSerializable(typeof(ConnectorAddress))]
internal sealed partial class ConnectorAddressJson : JsonSerializerContext;
