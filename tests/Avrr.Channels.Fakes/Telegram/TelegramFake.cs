using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Avrr.Channels.Fakes.Telegram;

/// <summary>
/// An exact, in-process fake of the Telegram Bot API (Telegram Bot API documentation) for one bot token, on 127.0.0.1. Tests play the
/// person (<see cref="UserSends"/>, <see cref="UserPresses"/>) and read what the bot did (<see cref="Sent"/>,
/// <see cref="Requests"/>). Answers, status codes and error texts are Telegram's (tdlib's); see README.md for the
/// few places the fake knowingly differs.
/// </summary>
// Over 400 lines on purpose: this part is the test-facing surface (what a person does, what the bot did, scripted
// failures) that every Telegram test reads; the protocol itself is in the Http, Messages, Updates and Webhook parts.
public sealed partial class TelegramFake : IAsyncDisposable
{
    private const long FirstUpdateId = 1000;

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<long, TelegramChat> _chats = [];
    private readonly List<TelegramSent> _sent = [];
    private readonly List<TelegramEdit> _edits = [];
    private readonly List<string> _answeredCallbackIds = [];
    private readonly List<TelegramCallbackAnswer> _callbackAnswers = [];
    private readonly List<(long ChatId, string Action, DateTimeOffset At)> _chatActions = [];
    private readonly List<TelegramRequest> _requests = [];
    private readonly List<ScriptedFailure> _failures = [];
    private readonly Dictionary<string, CallbackState> _callbacks = new(StringComparer.Ordinal);
    private long _nextCallbackNumber = 1;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _disposed;

    private TelegramFake(string token, TimeProvider time, System.Security.Cryptography.X509Certificates.X509Certificate2? webhookCertificate)
    {
        Token = token;
        _time = time;
        var colon = token.IndexOf(':', StringComparison.Ordinal);
        BotId = colon > 0 && long.TryParse(token.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : 7_000_000_001;
        _methods = BuildMethods();
        _webhookClient = NewWebhookClient(webhookCertificate);
    }

    /// <summary>Starts the fake on a free port of 127.0.0.1.</summary>
    /// <param name="token">The only token it accepts; any other gets 401. Its digits before ':' become the bot's id.</param>
    /// <param name="time">Dates, long-poll timeouts and webhook retry delays follow it, so tests can move time.</param>
    /// <param name="webhookCertificate">A self-signed certificate the webhook's server presents, trusted as if uploaded with setWebhook.</param>
    public static async Task<TelegramFake> StartAsync(string token, TimeProvider? time = null, System.Security.Cryptography.X509Certificates.X509Certificate2? webhookCertificate = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        if (token.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException("A token cannot contain '/': it is a path segment.", nameof(token));
        }
        var fake = new TelegramFake(token, time ?? TimeProvider.System, webhookCertificate);
        try
        {
            await fake.StartServerAsync();
        }
        catch
        {
            await fake.DisposeAsync();
            throw;
        }
        return fake;
    }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;</c>; the bot calls <c>{ApiBaseUrl}/bot{token}/{method}</c>.</summary>
    public string ApiBaseUrl { get; private set; } = "";

    /// <summary>The one token the fake accepts; calls with any other get 401 <c>Unauthorized</c>.</summary>
    public string Token { get; }

    /// <summary>The bot's user id (<c>getMe</c>, <c>from</c> of its messages).</summary>
    public long BotId { get; }

    /// <summary>The bot's first_name in getMe and in its messages.</summary>
    public string BotFirstName { get; } = "Avrr Test Bot";

    /// <summary>The bot's username in getMe and in its messages.</summary>
    public string BotUsername { get; } = "avrr_test_bot";

    /// <summary>
    /// The person writes to the bot in a private chat (<c>from.id == chatId</c>). Creates the chat on first use, which
    /// is what lets the bot write to it (Telegram answers <c>chat not found</c> otherwise). Commands get their
    /// <c>bot_command</c> entity, as Telegram adds it.
    /// </summary>
    /// <returns>The update_id, or 0 when the bot's <c>allowed_updates</c> leaves messages out (Telegram drops them).</returns>
    public long UserSends(long chatId, string text, string? languageCode = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var chat = PrivateChat(chatId, languageCode);
            ThrowIfBlocked(chat);
            var stored = new TelegramStoredMessage
            {
                MessageId = chat.NextMessageId++,
                FromBot = false,
                Date = UnixNow(),
                Text = text,
                Entities = CommandEntities(text),
            };
            chat.Messages.Add(stored.MessageId, stored);
            var message = new JsonObject
            {
                ["message_id"] = stored.MessageId,
                ["from"] = chat.User!.DeepClone(),
                ["chat"] = chat.ChatJson.DeepClone(),
                ["date"] = stored.Date,
                ["text"] = text,
            };
            if (stored.Entities is not null)
            {
                message["entities"] = stored.Entities.DeepClone();
            }
            return AddUpdate("message", message);
        }
    }

    /// <summary>
    /// The person presses an inline button on the bot's message <paramref name="messageId"/>: a callback_query with a new
    /// id (answerable once), <c>message</c> = that message as it is now, and a <c>chat_instance</c>. Any data may be
    /// pressed, as an outdated keyboard on the person's screen can still send old data.
    /// </summary>
    /// <returns>The update_id, or 0 when the bot's <c>allowed_updates</c> leaves callback queries out.</returns>
    public long UserPresses(long chatId, long messageId, string callbackData)
    {
        ArgumentNullException.ThrowIfNull(callbackData);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_chats.TryGetValue(chatId, out var chat) || chat.User is null ||
                !chat.Messages.TryGetValue(messageId, out var message) || !message.FromBot)
            {
                throw new ArgumentException($"The bot sent no message {messageId} to private chat {chatId}.", nameof(messageId));
            }
            ThrowIfBlocked(chat);
            var id = (4_000_000_000_000_000_000L + _nextCallbackNumber++).ToString(CultureInfo.InvariantCulture);
            _callbacks[id] = new CallbackState();
            var query = new JsonObject
            {
                ["id"] = id,
                ["from"] = chat.User.DeepClone(),
                ["message"] = MessageJson(chat, message),
                ["chat_instance"] = ChatInstance(chatId),
                ["data"] = callbackData,
            };
            return AddUpdate("callback_query", query);
        }
    }

    /// <summary>
    /// Any other update, e.g. <c>{"edited_message": {...}}</c>: exactly one field, without <c>update_id</c>. A
    /// <c>chat</c> it names becomes a chat the bot may write to; a callback_query's <c>id</c> becomes answerable.
    /// </summary>
    /// <returns>The update_id, or 0 when the bot's <c>allowed_updates</c> leaves this kind out.</returns>
    public long Deliver(JsonObject updateWithoutId)
    {
        ArgumentNullException.ThrowIfNull(updateWithoutId);
        if (updateWithoutId.Count != 1 || updateWithoutId.ContainsKey("update_id"))
        {
            throw new ArgumentException("An update without its id has exactly one field, e.g. {\"edited_message\":{...}}.", nameof(updateWithoutId));
        }
        var (kind, node) = updateWithoutId.First();
        if (node is not JsonObject original)
        {
            throw new ArgumentException($"The \"{kind}\" field must be an object.", nameof(updateWithoutId));
        }
        var payload = (JsonObject)original.DeepClone();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            RegisterChats(payload);
            if (kind == "callback_query" && payload["id"] is JsonValue id && id.TryGetValue<string>(out var queryId))
            {
                _callbacks[queryId] = new CallbackState();
            }
            return AddUpdate(kind, payload);
        }
    }

    /// <summary>
    /// The person blocks the bot: from now on sends to the chat fail with 403 <c>Forbidden: bot was blocked by the
    /// user</c>, and the bot gets the <c>my_chat_member</c> update (member → kicked) Telegram sends.
    /// </summary>
    public void BlockBot(long chatId) => SetBlocked(chatId, blocked: true);

    /// <summary>The person unblocks the bot (my_chat_member kicked → member); sends work again.</summary>
    public void UnblockBot(long chatId) => SetBlocked(chatId, blocked: false);

    /// <summary>
    /// Scripts failures: the next <paramref name="times"/> calls of <paramref name="method"/> (any letter case; only
    /// those naming <paramref name="chatId"/> when given) answer this error instead of running. For 429 the answer is
    /// exactly Telegram's: description <c>Too Many Requests: retry after N</c> (built from <paramref name="retryAfter"/>,
    /// whatever <paramref name="description"/> says), <c>parameters.retry_after</c> and the <c>Retry-After</c> header.
    /// </summary>
    public void FailNext(string method, int errorCode, string description, int? retryAfter = null, long? chatId = null, int times = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(description);
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(errorCode, 300);
        if (errorCode == 429)
        {
            retryAfter ??= RetryAfterIn(description) ??
                throw new ArgumentException("A 429 needs retryAfter (or a description ending in 'retry after N').", nameof(retryAfter));
            description = $"Too Many Requests: retry after {retryAfter}";
        }
        lock (_gate)
        {
            _failures.Add(new ScriptedFailure(method, chatId, errorCode, description, retryAfter, times));
        }
    }

    /// <summary>The bot's messages, in the order they were accepted.</summary>
    public IReadOnlyList<TelegramSent> Sent => Snapshot(_sent);

    /// <summary>Callback query ids the bot answered, in order.</summary>
    public IReadOnlyList<string> AnsweredCallbackIds => Snapshot(_answeredCallbackIds);

    /// <summary>The answers themselves (text, show_alert).</summary>
    public IReadOnlyList<TelegramCallbackAnswer> CallbackAnswers => Snapshot(_callbackAnswers);

    /// <summary>Accepted <c>sendChatAction</c> calls (e.g. <c>typing</c>), in order.</summary>
    public IReadOnlyList<(long ChatId, string Action, DateTimeOffset At)> ChatActions => Snapshot(_chatActions);

    /// <summary>Accepted <c>editMessageReplyMarkup</c> calls.</summary>
    public IReadOnlyList<TelegramEdit> Edits => Snapshot(_edits);

    /// <summary>Every call, failed ones included.</summary>
    public IReadOnlyList<TelegramRequest> Requests => Snapshot(_requests);

    /// <summary>The inline keyboard a bot message carries now (after edits), or null.</summary>
    public JsonNode? CurrentReplyMarkup(long chatId, long messageId)
    {
        lock (_gate)
        {
            return _chats.TryGetValue(chatId, out var chat) && chat.Messages.TryGetValue(messageId, out var message)
                ? message.InlineMarkup?.DeepClone()
                : null;
        }
    }

    /// <summary>Waits until the bot has sent at least <paramref name="count"/> messages to the chat.</summary>
    /// <returns>All messages sent to the chat so far.</returns>
    /// <exception cref="TimeoutException">After <paramref name="timeout"/> (wall-clock), listing what was sent.</exception>
    public async Task<IReadOnlyList<TelegramSent>> WaitForSentAsync(long chatId, int count, TimeSpan timeout)
    {
        return await WaitUntilAsync<IReadOnlyList<TelegramSent>>(
            () =>
            {
                var sent = _sent.Where(s => s.ChatId == chatId).ToArray();
                return sent.Length >= count ? sent : null;
            },
            timeout,
            () =>
            {
                var sent = _sent.Where(s => s.ChatId == chatId).Select(s => $"\"{s.Text}\"").ToArray();
                return $"Expected {count} message(s) to chat {chatId} within {timeout}; the bot sent {sent.Length}: [{string.Join(", ", sent)}].";
            });
    }

    /// <summary>Waits until the bot has made at least <paramref name="count"/> calls of <paramref name="method"/>.</summary>
    /// <returns>Those calls.</returns>
    public async Task<IReadOnlyList<TelegramRequest>> WaitForRequestsAsync(string method, int count, TimeSpan timeout)
    {
        return await WaitUntilAsync<IReadOnlyList<TelegramRequest>>(
            () =>
            {
                var calls = _requests.Where(r => r.Method.Equals(method, StringComparison.OrdinalIgnoreCase)).ToArray();
                return calls.Length >= count ? calls : null;
            },
            timeout,
            () => $"Expected {count} call(s) of {method} within {timeout}; calls so far: [{string.Join(", ", _requests.Select(r => $"{r.Method} {r.Status}"))}].");
    }

    /// <summary>
    /// Waits until an update has left the queue: confirmed by a getUpdates offset, acknowledged by the webhook with a
    /// 2xx, or given up after the retries.
    /// </summary>
    public async Task WaitForConfirmedAsync(long updateId, TimeSpan timeout)
    {
        await WaitUntilAsync(
            () => _pending.Exists(u => u.Id == updateId) ? null : (object)true,
            timeout,
            () => $"Update {updateId} was not confirmed within {timeout}; pending: [{string.Join(", ", _pending.Select(u => u.Id))}].");
    }

    /// <summary>Stops the server; waiting long polls end (with no updates) and webhook deliveries stop.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _poller?.End(PollEnd.Closed);
            _poller = null;
            _webhook?.Dispose();
            Notify();
        }
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        _webhookClient.Dispose();
    }

    private IReadOnlyList<T> Snapshot<T>(List<T> list)
    {
        lock (_gate)
        {
            return [.. list];
        }
    }

    /// <summary>Polls <paramref name="check"/> (under the lock) on every state change, for a wall-clock timeout.</summary>
    private async Task<T> WaitUntilAsync<T>(Func<T?> check, TimeSpan timeout, Func<string> describe)
        where T : class
    {
        using var expiry = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (check() is { } done)
                {
                    return done;
                }
                changed = _changed.Task;
            }
            try
            {
                await changed.WaitAsync(expiry.Token);
            }
            catch (OperationCanceledException)
            {
                lock (_gate)
                {
                    if (check() is { } done)
                    {
                        return done;
                    }
                    throw new TimeoutException(describe());
                }
            }
        }
    }

    /// <summary>Wakes helpers waiting on a state change. Call under the lock.</summary>
    private void Notify()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    private long UnixNow() => _time.GetUtcNow().ToUnixTimeSeconds();

    private TelegramChat PrivateChat(long chatId, string? languageCode)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chatId);
        if (!_chats.TryGetValue(chatId, out var chat))
        {
            var firstName = $"User {chatId}";
            chat = new TelegramChat(chatId, new JsonObject { ["id"] = chatId, ["first_name"] = firstName, ["type"] = "private" });
            _chats.Add(chatId, chat);
        }
        chat.User ??= new JsonObject
        {
            ["id"] = chatId,
            ["is_bot"] = false,
            ["first_name"] = chat.ChatJson["first_name"]?.DeepClone() ?? $"User {chatId}",
        };
        if (languageCode is not null)
        {
            chat.User["language_code"] = languageCode;
        }
        return chat;
    }

    private static void ThrowIfBlocked(TelegramChat chat)
    {
        if (chat.Blocked)
        {
            throw new InvalidOperationException($"Chat {chat.Id} has blocked the bot; call UnblockBot first.");
        }
    }

    private void RegisterChats(JsonObject payload)
    {
        foreach (var candidate in new[] { payload["chat"], payload["message"]?["chat"] })
        {
            if (candidate is JsonObject chatJson && chatJson["id"] is JsonValue idValue && idValue.TryGetValue<long>(out var chatId) &&
                !_chats.ContainsKey(chatId))
            {
                var chat = new TelegramChat(chatId, (JsonObject)chatJson.DeepClone());
                if (chatJson["type"]?.GetValue<string>() == "private" && payload["from"] is JsonObject from &&
                    from["id"] is JsonValue fromId && fromId.TryGetValue<long>(out var userId) && userId == chatId)
                {
                    chat.User = (JsonObject)from.DeepClone();
                }
                _chats.Add(chatId, chat);
            }
        }
    }

    private void SetBlocked(long chatId, bool blocked)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var chat = PrivateChat(chatId, null);
            if (chat.Blocked == blocked)
            {
                return;
            }
            chat.Blocked = blocked;
            var (before, after) = blocked ? ("member", "kicked") : ("kicked", "member");
            var newMember = new JsonObject { ["user"] = BotUser(), ["status"] = after };
            if (blocked)
            {
                newMember["until_date"] = 0;
            }
            AddUpdate("my_chat_member", new JsonObject
            {
                ["chat"] = chat.ChatJson.DeepClone(),
                ["from"] = chat.User!.DeepClone(),
                ["date"] = UnixNow(),
                ["old_chat_member"] = new JsonObject { ["user"] = BotUser(), ["status"] = before },
                ["new_chat_member"] = newMember,
            });
        }
    }

    private JsonObject BotUser() => new()
    {
        ["id"] = BotId,
        ["is_bot"] = true,
        ["first_name"] = BotFirstName,
        ["username"] = BotUsername,
    };

    /// <summary>A Message object in tdlib's field order.</summary>
    private JsonObject MessageJson(TelegramChat chat, TelegramStoredMessage message)
    {
        var json = new JsonObject
        {
            ["message_id"] = message.MessageId,
            ["from"] = message.FromBot ? BotUser() : chat.User?.DeepClone(),
            ["chat"] = chat.ChatJson.DeepClone(),
            ["date"] = message.Date,
        };
        if (message.EditDate is { } editDate)
        {
            json["edit_date"] = editDate;
        }
        json["text"] = message.Text;
        if (message.Entities is { Count: > 0 })
        {
            json["entities"] = message.Entities.DeepClone();
        }
        if (message.InlineMarkup is not null)
        {
            json["reply_markup"] = message.InlineMarkup.DeepClone();
        }
        return json;
    }

    /// <summary>An opaque number, the same for every press in a chat, and not the chat id.</summary>
    private static string ChatInstance(long chatId) =>
        unchecked((chatId * 6364136223846793005L) + 1442695040888963407L).ToString(CultureInfo.InvariantCulture);

    /// <summary>Telegram marks a leading /command (with an optional @botname) as a bot_command entity.</summary>
    private static JsonArray? CommandEntities(string text)
    {
        var match = CommandPattern().Match(text);
        return match.Success
            ? [new JsonObject { ["offset"] = 0, ["length"] = match.Length, ["type"] = "bot_command" }]
            : null;
    }

    [GeneratedRegex(@"^/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")]
    private static partial Regex CommandPattern();

    private static int? RetryAfterIn(string description)
    {
        var match = Regex.Match(description, @"retry after (\d+)$", RegexOptions.None, TimeSpan.FromSeconds(1));
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    private sealed class CallbackState
    {
        public bool Answered { get; set; }
    }

    private sealed class ScriptedFailure(string method, long? chatId, int errorCode, string description, int? retryAfter, int times)
    {
        public string Method { get; } = method;
        public long? ChatId { get; } = chatId;
        public int Remaining { get; set; } = times;

        public TelegramResponse Response() => errorCode == 429
            ? TelegramResponse.TooManyRequests(retryAfter!.Value)
            : TelegramResponse.Error(errorCode, description, retryAfter);
    }
}
