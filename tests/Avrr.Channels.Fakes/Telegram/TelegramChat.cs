using System.Text.Json.Nodes;

namespace Avrr.Channels.Fakes.Telegram;

/// <summary>A chat the bot may write to: it exists once the person wrote first (or a delivered update named it).</summary>
internal sealed class TelegramChat(long id, JsonObject chatJson)
{
    public long Id { get; } = id;

    /// <summary>The <c>chat</c> object of its messages.</summary>
    public JsonObject ChatJson { get; } = chatJson;

    /// <summary>The person of a private chat (<c>from</c> of their messages), or null for other chats.</summary>
    public JsonObject? User { get; set; }

    public bool Blocked { get; set; }

    /// <summary>One message_id counter per chat, shared by the person's and the bot's messages, as in private chats.</summary>
    public long NextMessageId { get; set; } = 1;

    public Dictionary<long, TelegramStoredMessage> Messages { get; } = [];
}

/// <summary>A message as Telegram keeps it, so edits and button presses can refer to it.</summary>
internal sealed class TelegramStoredMessage
{
    public required long MessageId { get; init; }

    public required bool FromBot { get; init; }

    /// <summary>Unix seconds.</summary>
    public required long Date { get; init; }

    public required string Text { get; init; }

    public JsonArray? Entities { get; init; }

    /// <summary>The inline keyboard as stored (normalised), or null.</summary>
    public JsonObject? InlineMarkup { get; set; }

    /// <summary>Unix seconds of the last edit, or null.</summary>
    public long? EditDate { get; set; }
}
