using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Avrr.Bot.Activities;
using Avrr.Bot.Hosting;
using Avrr.Bot.Privacy;
using Avrr.Bot.Translation;
using Avrr.Bot.Turns;
using Avrr.Dialogs;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Activity = Avrr.Bot.Activities.Activity;

namespace Avrr.Bot.Benchmarks;

internal static class TurnBenchmark
{
    public static async Task<BenchmarkResult> RunAsync(BenchmarkOptions options)
    {
        var directory = Path.Combine(Path.GetTempPath(), "avrr-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            return await RunInAsync(directory, options);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<BenchmarkResult> RunInAsync(string directory, BenchmarkOptions options)
    {
        // The product: the real host's services (store, pipeline, dialog engine, shipped knowledge), no HTTP.
        var builder = WebApplication.CreateBuilder([.. StoreArguments(options, Path.Combine(directory, "product.db"))]);
        builder.Logging.ClearProviders();
        builder.AddAvrrStorage();
        builder.AddPrivacy();
        builder.AddTurnPipeline();
        builder.AddConversationEngine();
        builder.AddTranslation();
        builder.AddOperations();
        await using var app = builder.Build();
        await app.MigrateStorageAsync();

        // As in the running host: the OpenTelemetry SDK listens (its hosted service would build these at start).
        _ = app.Services.GetService<OpenTelemetry.Trace.TracerProvider>();
        _ = app.Services.GetService<OpenTelemetry.Metrics.MeterProvider>();
        var pipeline = app.Services.GetRequiredService<TurnPipeline>();
        var engineName = app.Services.GetRequiredService<IDialogEngine>().GetType().FullName!;

        using FloorTurn baseline = options.Postgres is { } postgres
            ? new PostgresBaselineTurn(postgres, options.Conversations)
            : new BaselineTurn(Path.Combine(directory, "baseline.db"), options.Synchronous, options.Conversations);
        var replyJson = JsonSerializer.Serialize(new { type = "message", text = "A reply of ordinary length for a person on a cheap phone." });

        long productCounter = 0;
        long baselineCounter = 0;
        async Task ProductTurn()
        {
            var n = productCounter++;
            var activity = new Activity { Type = ActivityTypes.Message, Text = (n % 3) switch { 0 => "1", 1 => "menu", _ => "hello" }, From = new ChannelAccount { Id = "u", Role = RoleTypes.User }, Locale = "en-US" };
            await pipeline.ProcessAsync(
                new InboundMessage("bench", "p" + n.ToString(CultureInfo.InvariantCulture), "c" + (n % options.Conversations).ToString(CultureInfo.InvariantCulture), activity, ChannelCapabilities.WebChat, DeliveryMode.Pull),
                CancellationToken.None);
        }

        void BaselineTurnOnce()
        {
            var n = baselineCounter++;
            baseline.Turn("c" + (n % options.Conversations).ToString(CultureInfo.InvariantCulture), replyJson, n);
        }

        for (var i = 0; i < options.WarmupTurns; i++)
        {
            await ProductTurn();
            BaselineTurnOnce();
        }

        EncryptionWork encryption;
        await using (var connection = await app.Services.GetRequiredService<Avrr.Bot.Persistence.StoreConnections>().OpenAsync(CancellationToken.None))
        {
            encryption = EncryptionWork.FromStore(app.Services.GetRequiredService<KeyRing>(), connection);
        }

        var product = new Samples(options.Blocks * options.TurnsPerBlock);
        var floor = new Samples(options.Blocks * options.TurnsPerBlock);
        var crypto = new Samples(options.Blocks * options.TurnsPerBlock);
        for (var block = 0; block < options.Blocks; block++)
        {
            // Interleaved A B C A B C …: drift on the machine hits every side alike.
            await MeasureAsync(floor, options.TurnsPerBlock, () => { BaselineTurnOnce(); return Task.CompletedTask; });
            await MeasureAsync(product, options.TurnsPerBlock, ProductTurn);
            await MeasureAsync(crypto, options.TurnsPerBlock, () => { encryption.Turn(); return Task.CompletedTask; });
        }

        // Many people at once: 50 conversations, each taking its turns in order, all in flight together. Without group
        // commit every turn still pays its own commit, so this shows what sharing commits could gain.
        var concurrent = await MeasureConcurrentAsync(pipeline, ConcurrentConversations, options.TurnsPerBlock * 2);

        // What an active conversation keeps in memory: the managed heap after one more turn in each of 5,000 fresh
        // conversations, against before them.
        var bytesPerConversation = await MeasureRetainedAsync(pipeline, 5000);

        // The same turns over the same 1,000 conversations, before and after the store holds a million of them.
        var small = new Samples(options.TurnsPerBlock);
        await MeasureAsync(small, options.TurnsPerBlock, ProductTurn);
        // Growing the store copies rows with SQLite's SQL: measured on SQLite only.
        var stored = options.StoredConversations > 0 && options.Postgres is null ? ScaleWork.GrowTo(Path.Combine(directory, "product.db"), options.StoredConversations) : 0;
        var large = new Samples(options.TurnsPerBlock);
        if (stored > 0)
        {
            for (var i = 0; i < options.WarmupTurns; i++)
            {
                await ProductTurn();
            }

            await MeasureAsync(large, options.TurnsPerBlock, ProductTurn);
        }

        return new BenchmarkResult(product, floor, crypto, encryption, options, engineName)
        {
            ConcurrentTurnsPerSecond = concurrent,
            RetainedBytesPerConversation = bytesPerConversation,
            StoredConversations = stored,
            TurnMsAtThousand = small.MeanMs,
            TurnMsAtStored = stored > 0 ? large.MeanMs : double.NaN,
        };
    }

    /// <summary>The store's settings for a host in the benchmark: SQLite in <paramref name="sqliteFile"/>, or the PostgreSQL database given.</summary>
    internal static IEnumerable<string> StoreArguments(BenchmarkOptions options, string sqliteFile) => options.Postgres is { } postgres
        ? ["--Storage:Provider=Postgres", $"--ConnectionStrings:Avrr={postgres}", $"--Privacy:MasterKey={RunMasterKey}"]
        : [$"--ConnectionStrings:Avrr=Data Source={sqliteFile}", $"--Storage:SqliteSynchronous={options.Synchronous}"];

    /// <summary>PostgreSQL needs a master key shared by every host on the database: one per run.</summary>
    private static readonly string RunMasterKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private const int ConcurrentConversations = 50;

    private static Task<TurnOutcome> TurnAsync(TurnPipeline pipeline, string conversation, long n) =>
        pipeline.ProcessAsync(
            new InboundMessage("bench", "q" + n.ToString(CultureInfo.InvariantCulture), conversation,
                new Activity { Type = ActivityTypes.Message, Text = (n % 3) switch { 0 => "1", 1 => "menu", _ => "hello" }, From = new ChannelAccount { Id = "u", Role = RoleTypes.User }, Locale = "en-US" },
                ChannelCapabilities.WebChat, DeliveryMode.Pull),
            CancellationToken.None);

    private static async Task<double> MeasureConcurrentAsync(TurnPipeline pipeline, int conversations, int turns)
    {
        long counter = 0;
        var perConversation = turns / conversations;
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, conversations).Select(c => Task.Run(async () =>
        {
            for (var i = 0; i < perConversation; i++)
            {
                await TurnAsync(pipeline, "m" + c.ToString(CultureInfo.InvariantCulture), Interlocked.Increment(ref counter));
            }
        })));
        return perConversation * conversations / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static async Task<double> MeasureRetainedAsync(TurnPipeline pipeline, int conversations)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var c = 0; c < conversations; c++)
        {
            await TurnAsync(pipeline, "r" + c.ToString(CultureInfo.InvariantCulture), 10_000_000 + c);
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        return Math.Max(0, after - before) / (double)conversations;
    }

    private static async Task MeasureAsync(Samples samples, int turns, Func<Task> turn)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var blockStart = Stopwatch.GetTimestamp();
        for (var i = 0; i < turns; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await turn();
            samples.Add(Stopwatch.GetElapsedTime(start));
        }

        samples.AddBlock(Stopwatch.GetElapsedTime(blockStart), turns, GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore);
    }
}

internal sealed class Samples(int capacity)
{
    private readonly List<double> _latenciesMs = new(capacity);
    private TimeSpan _elapsed;
    private long _turns;
    private long _allocated;

    public void Add(TimeSpan latency) => _latenciesMs.Add(latency.TotalMilliseconds);

    public void AddBlock(TimeSpan elapsed, int turns, long allocated)
    {
        _elapsed += elapsed;
        _turns += turns;
        _allocated += allocated;
    }

    public double TurnsPerSecond => _turns / _elapsed.TotalSeconds;

    public double MeanMs => _elapsed.TotalMilliseconds / _turns;

    public double BytesPerTurn => (double)_allocated / _turns;

    public double Percentile(double p)
    {
        var sorted = _latenciesMs.Order().ToList();
        var index = (int)Math.Ceiling(p * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }
}

internal sealed record BenchmarkResult(Samples Product, Samples Baseline, Samples Encryption, EncryptionWork Work, BenchmarkOptions Options, string Engine)
{
    public const double RatioTarget = 0.8;
    public const double P99TargetMs = 2.0;

    public double Ratio => Product.TurnsPerSecond / Baseline.TurnsPerSecond;

    /// <summary>The cryptography of one turn, measured on its own in the same run.</summary>
    public double EncryptionMicros => 1_000_000 / Encryption.TurnsPerSecond;

    public double EncryptionShare => EncryptionMicros / (1_000_000 / Product.TurnsPerSecond);

    public bool TargetMet => Ratio >= RatioTarget && Product.Percentile(0.99) < P99TargetMs;

    /// <summary>Turns per second with 50 conversations in flight at once, each in order.</summary>
    public double ConcurrentTurnsPerSecond { get; init; }

    /// <summary>Managed memory still held per conversation after it took a turn (caches, locks), averaged over 5,000.</summary>
    public double RetainedBytesPerConversation { get; init; }

    /// <summary>How many conversations the store held for the scale block (0 when it did not run).</summary>
    public long StoredConversations { get; init; }

    public double TurnMsAtThousand { get; init; }

    public double TurnMsAtStored { get; init; }

    /// <summary>The host started as its own process (ColdStartBenchmark), when it ran.</summary>
    public ColdStartResult? ColdStart { get; init; }

    /// <summary>The real host under a webhook surge (HttpLoadBenchmark), when it ran.</summary>
    public HttpLoadResult? Http { get; init; }

    public string ToJson()
    {
        static double R(double value) => Math.Round(value, 4);
        System.Console.WriteLine($"{"",-10} {"turns/s",10} {"p50 ms",8} {"p99 ms",8} {"p99.9 ms",9} {"B/turn",9}");
        foreach (var (name, s) in new[] { ("baseline", Baseline), ("product", Product) })
        {
            System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-10} {s.TurnsPerSecond,10:F0} {s.Percentile(0.5),8:F3} {s.Percentile(0.99),8:F3} {s.Percentile(0.999),9:F3} {s.BytesPerTurn,9:F0}"));
        }

        System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio {Ratio:F3} (target ≥ {RatioTarget}), product p99 {Product.Percentile(0.99):F3} ms (target < {P99TargetMs} ms): {(TargetMet ? "met" : "NOT met")}"));
        System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"encryption: {EncryptionMicros:F1} µs and {Encryption.BytesPerTurn:F0} B per turn ({Work.ActivitiesPerTurn} activities of {Work.ActivityBytes} B, state of {Work.StateBytes} B), {EncryptionShare:P1} of the product turn"));
        System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"50 conversations at once: {ConcurrentTurnsPerSecond:F0} turns/s ({ConcurrentTurnsPerSecond / Baseline.TurnsPerSecond:F2}× the single-transaction floor); {RetainedBytesPerConversation:F0} B kept in memory per conversation"));
        if (Http is { } http)
        {
            System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"webhooks: {http.Messages} signed WhatsApp messages, {Options.HttpContacts} contacts, {Options.HttpConcurrency} in flight: acknowledged at {http.AckPerSecond:F0}/s (p50 {http.AckP50Ms:F1} ms, p99 {http.AckP99Ms:F1} ms, {http.Failures} not 200), answered end to end at {http.EndToEndPerSecond:F0}/s ({http.Answered} answered)"));
        }

        if (StoredConversations > 0)
        {
            System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{StoredConversations:N0} stored conversations: {TurnMsAtStored:F3} ms per turn against {TurnMsAtThousand:F3} ms at 1,000 ({TurnMsAtStored / TurnMsAtThousand:F2}×)"));
        }

        if (ColdStart is { } cold)
        {
            System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"start to first answered turn, published (ReadyToRun): {cold.FirstStartMs:F0} ms on an empty database, {cold.RestartMs:F0} ms on an existing one ({cold.BuildOutputRestartMs:F0} ms from the build output, JIT only); idle RSS {cold.IdleRssBytes / 1048576.0:F0} MB"));
        }

        var json = new Dictionary<string, object>
        {
            ["productTurnsPerSecond"] = R(Product.TurnsPerSecond),
            ["baselineTurnsPerSecond"] = R(Baseline.TurnsPerSecond),
            ["ratio"] = R(Ratio),
            ["productP50Ms"] = R(Product.Percentile(0.5)),
            ["productP99Ms"] = R(Product.Percentile(0.99)),
            ["productP999Ms"] = R(Product.Percentile(0.999)),
            ["baselineP50Ms"] = R(Baseline.Percentile(0.5)),
            ["baselineP99Ms"] = R(Baseline.Percentile(0.99)),
            ["baselineP999Ms"] = R(Baseline.Percentile(0.999)),
            ["productBytesPerTurn"] = R(Product.BytesPerTurn),
            ["encryptionMicrosPerTurn"] = R(EncryptionMicros),
            ["encryptionBytesPerTurn"] = R(Encryption.BytesPerTurn),
            ["encryptionShareOfTurn"] = R(EncryptionShare),
            ["baselineBytesPerTurn"] = R(Baseline.BytesPerTurn),
            ["synchronous"] = Options.Synchronous.ToString(),
            ["turns"] = Options.Blocks * Options.TurnsPerBlock,
            ["engine"] = Engine,
            ["targetMet"] = TargetMet,
            ["concurrentTurnsPerSecond"] = R(ConcurrentTurnsPerSecond),
            ["concurrentToBaselineRatio"] = R(ConcurrentTurnsPerSecond / Baseline.TurnsPerSecond),
            ["bytesPerActiveConversation"] = R(RetainedBytesPerConversation),
        };
        if (StoredConversations > 0)
        {
            json["storedConversations"] = StoredConversations;
            json["turnMsAtThousandConversations"] = R(TurnMsAtThousand);
            json["turnMsAtStoredConversations"] = R(TurnMsAtStored);
            json["storedConversationsTurnRatio"] = R(TurnMsAtStored / TurnMsAtThousand);
        }
        if (Http is { } measured)
        {
            json["webhookAckPerSecond"] = R(measured.AckPerSecond);
            json["webhookAckP50Ms"] = R(measured.AckP50Ms);
            json["webhookAckP99Ms"] = R(measured.AckP99Ms);
            json["webhookFailures"] = measured.Failures;
            json["endToEndMessagesPerSecond"] = R(measured.EndToEndPerSecond);
            json["answeredMessages"] = measured.Answered;
            json["webhookMessages"] = measured.Messages;
        }

        if (ColdStart is { } start)
        {
            json["coldStartFirstRunMs"] = R(start.FirstStartMs);
            json["coldStartMs"] = R(start.RestartMs);
            json["idleRssMegabytes"] = R(start.IdleRssBytes / 1048576.0);
            json["coldStartBuildOutputMs"] = R(start.BuildOutputRestartMs);
        }

        return JsonSerializer.Serialize(json);
    }
}
