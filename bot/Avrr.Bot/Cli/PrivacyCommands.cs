using Avrr.Bot.Channels.Telegram;
using Avrr.Bot.Channels.WhatsApp;
using Avrr.Bot.Persistence;
using Avrr.Bot.Privacy;
using Avrr.Bot.Turns;

namespace Avrr.Bot.Cli;

/// <summary>
/// The operator's privacy commands, run against the configured database and master keys:
/// <c>keys status</c>, <c>keys rotate [--batch-size N]</c>, <c>privacy erase --conversation ID | --whatsapp NUMBER |
/// --telegram CHAT_ID [--reason TEXT]</c> and <c>privacy sweep</c>. (<c>keys generate</c> needs no database; see
/// <see cref="CommandLine"/>.)
/// </summary>
internal static class PrivacyCommands
{
    public const string Usage = "usage: Avrr.Bot keys generate | keys status | keys rotate [--batch-size N] | privacy erase (--conversation ID | --whatsapp NUMBER | --telegram CHAT_ID) [--reason TEXT] | privacy sweep";

    public static bool Matches(string[] args) => args is ["keys", "status" or "rotate", ..] or ["privacy", ..];

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        switch (args)
        {
            case ["keys", "status"]:
                await PrintUseAsync(services, output);
                return 0;
            case ["keys", "rotate", .. var rest]:
                var batchSize = Option(rest, "--batch-size") is { } size && int.TryParse(size, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && parsed > 0 ? parsed : 500;
                var rotated = await services.GetRequiredService<KeyRotation>().RotateAsync(batchSize, int.MaxValue, new Progress<int>(n => output.WriteLine($"… {n} rewrapped")), CancellationToken.None);
                output.WriteLine($"Rewrapped {rotated} values with master key {services.GetRequiredService<KeyRing>().CurrentKeyId}.");
                await PrintUseAsync(services, output);
                return 0;
            case ["privacy", "erase", .. var rest]:
                return await EraseAsync(services, rest, output, error);
            case ["privacy", "sweep"]:
                var result = await services.GetRequiredService<RetentionSweep>().RunOnceAsync(int.MaxValue, CancellationToken.None);
                output.WriteLine(result is null
                    ? "Another instance is sweeping right now; nothing was done."
                    : $"Removed {result.Conversations} conversations, {result.UndeliveredOnly} messages kept only for delivery, {result.ErasedLeftovers} erased conversations' receipts, {result.DedupeKeys} dedupe keys and {result.AuditEntries} audit entries.");
                return 0;
            default:
                error.WriteLine(Usage);
                return 2;
        }
    }

    private static async Task<int> EraseAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        var store = services.GetRequiredService<PersonalDataStore>();
        string? conversationId = Option(args, "--conversation");
        foreach (var (option, channel) in new[] { ("--whatsapp", WhatsAppSender.ChannelName), ("--telegram", TelegramSender.ChannelName) })
        {
            if (Option(args, option) is { } address)
            {
                await using var connection = await services.GetRequiredService<StoreConnections>().OpenAsync(CancellationToken.None);
                // WhatsApp ids are digits only; a number as people write it (+32 470 …) finds the same conversation.
                var normalized = channel == WhatsAppSender.ChannelName ? new string([.. address.Where(char.IsAsciiDigit)]) : address.Trim();
                conversationId = await services.GetRequiredService<ConversationDirectory>().FindAsync(connection, channel, normalized, CancellationToken.None);
            }
        }

        if (conversationId is null)
        {
            if (Option(args, "--conversation") is null && Option(args, "--whatsapp") is null && Option(args, "--telegram") is null)
            {
                error.WriteLine(Usage);
                return 2;
            }

            output.WriteLine("No conversation is kept for that person: nothing to erase.");
            return 0;
        }

        var reason = Option(args, "--reason") ?? "on request";
        var erased = await store.EraseAsync(conversationId, "command line", "staff erasure: " + reason, null, CancellationToken.None);
        output.WriteLine(erased ? $"Erased conversation {conversationId} and everything kept about it." : "No conversation is kept for that person: nothing to erase.");
        return 0;
    }

    private static async Task PrintUseAsync(IServiceProvider services, TextWriter output)
    {
        var keys = services.GetRequiredService<KeyRing>();
        output.WriteLine($"Current master key: {keys.CurrentKeyId}; configured: {string.Join(", ", keys.KeyIds)}");
        foreach (var use in await services.GetRequiredService<KeyRotation>().UseAsync(CancellationToken.None))
        {
            output.WriteLine($"{use.Kind,-20} {use.MasterKeyId,-10} {use.Count,8}{(use.MasterKeyId == keys.CurrentKeyId ? "" : "  (run 'keys rotate')")}");
        }
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
