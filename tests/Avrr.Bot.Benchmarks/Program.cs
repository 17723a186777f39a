using Avrr.Bot.Benchmarks;

// One process, one run: the product's full durable turn against the raw ADO.NET floor, interleaved so machine noise
// hits both alike. The last line is one JSON object for machines (docs/benchmarks.md).
var options = BenchmarkOptions.Parse(args);
var result = await TurnBenchmark.RunAsync(options);
Console.WriteLine(result.ToJson());
return result.TargetMet ? 0 : 1;
