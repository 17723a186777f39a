using Avrr.Channels.Fakes.Telegram;

namespace Avrr.Bot.Tests.Channels;

/// <summary>A person in one Telegram chat with the bot, through the fake: types, presses buttons, reads replies.</summary>
internal sealed class TelegramPerson(TelegramFake fake, long chatId, string languageCode = "en")
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private int _read;
    private int _readUpTo;

    public long ChatId => chatId;

    /// <summary>Every message the bot sent to this chat so far.</summary>
    public IReadOnlyList<TelegramSent> Sent => fake.Sent.Where(s => s.ChatId == chatId).ToList();

    public long Types(string text) => fake.UserSends(chatId, text, languageCode);

    /// <summary>Presses the button with this title on the newest keyboard that has it.</summary>
    public long Presses(string title)
    {
        var message = fake.Sent.Where(s => s.ChatId == chatId).Reverse()
            .FirstOrDefault(s => Buttons(s).Any(b => b.Text == title))
            ?? throw new InvalidOperationException($"No button '{title}' in chat {chatId}; buttons: {string.Join(" | ", fake.Sent.Where(s => s.ChatId == chatId).SelectMany(Buttons).Select(b => b.Text))}");
        return fake.UserPresses(chatId, message.MessageId, Buttons(message).First(b => b.Text == title).Data);
    }

    /// <summary>
    /// Waits until the unread text contains <paramref name="expected"/>; returns its message and reads past it. One
    /// message can carry several texts (the bot joins a notice and the prompt that follows it).
    /// </summary>
    public async Task<TelegramSent> ReadsAsync(string expected)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < Wait)
        {
            var sent = fake.Sent.Where(s => s.ChatId == chatId).ToList();
            for (var i = _read; i < sent.Count; i++)
            {
                var at = sent[i].Text.IndexOf(expected, i == _read ? _readUpTo : 0, StringComparison.Ordinal);
                if (at >= 0)
                {
                    (_read, _readUpTo) = (i, at + expected.Length);
                    return sent[i];
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Chat {chatId} never read '{expected}'. It read:\n" + string.Join("\n---\n", fake.Sent.Where(s => s.ChatId == chatId).Skip(_read).Select(s => s.Text))
            + "\nRequests: " + string.Join(", ", fake.Requests.TakeLast(30).Select(r => $"{r.Method}={r.Status}")));
    }

    public static IEnumerable<(string Text, string Data)> Buttons(TelegramSent message) =>
        message.ReplyMarkup?["inline_keyboard"]?.AsArray().SelectMany(row => row!.AsArray()).Select(b => (b!["text"]!.GetValue<string>(), b["callback_data"]!.GetValue<string>())) ?? [];
}
