using System.Globalization;
using Avrr.Bot.Persistence;

namespace Avrr.Bot.Benchmarks;

internal sealed record BenchmarkOptions(int Blocks, int TurnsPerBlock, int WarmupTurns, int Conversations, SqliteSynchronous Synchronous)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        var blocks = 8;
        var turns = 2000;
        var warmup = 3000;
        var conversations = 1000;
        var synchronous = SqliteSynchronous.Full;
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
                default: throw new ArgumentException($"Unknown option {args[i]}; use --blocks, --turns, --warmup, --conversations, --synchronous Normal|Full.");
            }
        }

        return new BenchmarkOptions(blocks, turns, warmup, conversations, synchronous);
    }
}
