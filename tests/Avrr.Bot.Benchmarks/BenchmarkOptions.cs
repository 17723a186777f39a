using System.Globalization;
using Avrr.Bot.Persistence;

namespace Avrr.Bot.Benchmarks;

internal sealed record BenchmarkOptions(int Blocks, int TurnsPerBlock, int WarmupTurns, int Conversations, SqliteSynchronous Synchronous)
{
    /// <summary>The HTTP-level run: signed WhatsApp webhooks, how many, from how many contacts, how many in flight.</summary>
    public int HttpMessages { get; init; } = 2000;

    public int HttpContacts { get; init; } = 400;

    public int HttpConcurrency { get; init; } = 32;

    /// <summary>How many stored conversations the scale block grows the store to (0 skips it).</summary>
    public long StoredConversations { get; init; } = 1_000_000;

    /// <summary>A connection string to an empty PostgreSQL database: the turns and the webhook run there instead of SQLite.</summary>
    public string? Postgres { get; init; }

    public static BenchmarkOptions Parse(string[] args)
    {
        var blocks = 8;
        var turns = 2000;
        var warmup = 3000;
        var conversations = 1000;
        var synchronous = SqliteSynchronous.Full;
        int httpMessages = 2000, httpContacts = 400, httpConcurrency = 32;
        long stored = 1_000_000;
        string? postgres = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--blocks": blocks = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--turns": turns = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--conversations": conversations = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--synchronous": synchronous = Enum.Parse<SqliteSynchronous>(value, ignoreCase: true); break;
                case "--http-messages": httpMessages = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--http-contacts": httpContacts = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--http-concurrency": httpConcurrency = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--stored-conversations": stored = long.Parse(value, CultureInfo.InvariantCulture); break;
                case "--postgres": postgres = value; break;
                default: throw new ArgumentException($"Unknown option {args[i]}; use --blocks, --turns, --warmup, --conversations, --synchronous Normal|Full, --http-messages, --http-contacts, --http-concurrency, --stored-conversations, --postgres <connection string>.");
            }
        }

        return new BenchmarkOptions(blocks, turns, warmup, conversations, synchronous)
        {
            HttpMessages = httpMessages,
            HttpContacts = httpContacts,
            HttpConcurrency = httpConcurrency,
            StoredConversations = stored,
            Postgres = postgres,
        };
    }
}
