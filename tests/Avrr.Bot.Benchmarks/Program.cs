using Avrr.Bot.Benchmarks;

// One process, one run: the product's full durable turn against the raw ADO.NET floor, interleaved so machine noise
// hits both alike, then the real host over loopback under a webhook surge. The last line is one JSON object for
// machines (docs/benchmarks.md).
var options = BenchmarkOptions.Parse(args);
var result = await TurnBenchmark.RunAsync(options);
var directory = Path.Combine(Path.GetTempPath(), "avrr-bench", Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(directory);
try
{
    result = result with { Http = await HttpLoadBenchmark.RunAsync(options, directory) };
    if (options.Postgres is null)
    {
        // An operator's first start is on the embedded SQLite database; that is what is timed.
        result = result with { ColdStart = await ColdStartBenchmark.RunAsync(directory) };
    }
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(directory, recursive: true);
}

System.Console.WriteLine(result.ToJson());
return result.TargetMet ? 0 : 1;
