namespace Avrr.Channels.Fakes.WhatsApp;

/// <summary>
/// Titles and details of the Cloud API error codes the bot reacts to (the WhatsApp Cloud API reference), shared by the
/// synchronous error bodies and the asynchronous <c>statuses[].errors</c> of the webhook generator.
/// </summary>
public static class GraphErrorCatalog
{
    public const string ReEngagementDetails =
        "Message failed to send because more than 24 hours have passed since the customer last replied to this number.";

    public const string ErrorCodesHref = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/";

    /// <summary>The title Meta puts after "(#code) " in <c>message</c>, or null for codes not listed here.</summary>
    public static string? TitleFor(int code) => code switch
    {
        130429 => "Rate limit hit",
        131056 => "(Business Account, Consumer Account) pair rate limit hit",
        131047 => "Re-engagement message",
        131048 => "Spam rate limit hit",
        131009 => "Parameter value is not valid",
        131000 => "Generic error",
        _ => null,
    };

    /// <summary>The <c>error_data.details</c> for codes whose wording is published, else null.</summary>
    public static string? DetailsFor(int code) => code switch
    {
        130429 => "Cloud API message throughput has been reached.",
        131047 => ReEngagementDetails,
        131000 => "An unknown error occurred",
        131048 => "Message failed to send because there are restrictions on how many messages can be sent from this phone number. This may be because too many previous messages were blocked or flagged as spam.",
        _ => null,
    };

    /// <summary>"(#131056) Pair rate limit hit" → "Pair rate limit hit".</summary>
    public static string StripCodePrefix(string message)
    {
        if (!message.StartsWith("(#", StringComparison.Ordinal))
        {
            return message;
        }

        var close = message.IndexOf(") ", StringComparison.Ordinal);
        return close < 0 ? message : message[(close + 2)..];
    }
}
