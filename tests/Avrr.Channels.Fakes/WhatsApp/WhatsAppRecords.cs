using System.Text.Json.Nodes;

namespace Avrr.Channels.Fakes.WhatsApp;

/// <summary>A message the fake accepted (HTTP 200), as the bot sent it.</summary>
/// <param name="To">The request's <c>to</c>, unchanged.</param>
/// <param name="Type">The request's <c>type</c> (<c>text</c> when absent, as Graph defaults it).</param>
/// <param name="Body">The whole request body.</param>
/// <param name="Wamid">The id returned in <c>messages[0].id</c>, to correlate status webhooks.</param>
/// <param name="At">When it was accepted, per the fake's TimeProvider.</param>
public sealed record WhatsAppSent(string To, string Type, JsonObject Body, string Wamid, DateTimeOffset At)
{
    /// <summary>What the person reads: the text, the interactive body, or <c>template:&lt;name&gt;</c>.</summary>
    public string Text => Type switch
    {
        "text" => Body["text"]!["body"]!.GetValue<string>(),
        "interactive" => Body["interactive"]!["body"]!["text"]!.GetValue<string>(),
        _ => "template:" + Body["template"]?["name"]?.GetValue<string>(),
    };
}

/// <summary>Any request the fake received, whatever it answered.</summary>
/// <param name="Path">The request path, e.g. <c>/v23.0/123/messages</c>.</param>
/// <param name="Body">The raw request body.</param>
/// <param name="Status">The HTTP status returned.</param>
/// <param name="ErrorCode">The Graph <c>error.code</c> returned, or null on success.</param>
/// <param name="At">When it arrived, per the fake's TimeProvider.</param>
public sealed record WhatsAppRequest(string Path, string Body, int Status, int? ErrorCode, DateTimeOffset At);
