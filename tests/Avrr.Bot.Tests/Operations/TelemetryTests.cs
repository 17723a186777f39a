using System.Diagnostics;
using Avrr.Bot.Console;
using Avrr.Bot.Hosting;
using Avrr.Bot.Tests.Channels;
using Avrr.Bot.Tests.Infrastructure;
using Avrr.Channels.Fakes.WhatsApp;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Avrr.Bot.Tests.Operations;

/// <summary>
/// The traces and metrics an operator sees, read with OpenTelemetry's in-memory exporters from a WhatsApp conversation
/// and a counsellor taking it: the documented names and attributes, and nothing in them about the person.
/// </summary>
public sealed class TelemetryTests : IAsyncLifetime
{
    private const string AccessToken = "EAAG-telemetry-token";
    private const string PhoneNumberId = "109876500077";
    private const string AppSecret = "telemetry-app-secret-0123";
    private const string WaId = "4917712345099";
    private const string Secret = "my secret words 0172 5550199";

    private readonly List<Activity> _spans = [];
    private readonly List<Metric> _metrics = [];
    private WhatsAppFake _fake = null!;
    private BotFactory _bot = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _fake = await WhatsAppFake.StartAsync(AccessToken, PhoneNumberId);
        _bot = new BotFactory
        {
            // What OTEL_EXPORTER_OTLP_ENDPOINT turns on, with the in-memory exporters in place of OTLP.
            MoreServices = services => services.AddAvrrTelemetry(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build())
                .WithTracing(tracing => tracing.AddInMemoryExporter(_spans))
                .WithMetrics(metrics => metrics.AddInMemoryExporter(_metrics)),
        }
            .With("Channels:WhatsApp:AccessToken", AccessToken)
            .With("Channels:WhatsApp:PhoneNumberId", PhoneNumberId)
            .With("Channels:WhatsApp:AppSecret", AppSecret)
            .With("Channels:WhatsApp:VerifyToken", "telemetry-verify")
            .With("Channels:WhatsApp:GraphApiBaseUrl", _fake.GraphBaseUrl)
            .With("Channels:WhatsApp:PerRecipientIntervalMilliseconds", "0");
        _http = _bot.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        _bot.Dispose();
        await _fake.DisposeAsync();
    }

    [Fact]
    public async Task A_conversation_and_a_claim_are_traced_and_counted_under_the_documented_names_without_personal_data()
    {
        var person = new WhatsAppPerson(_fake, _http, PhoneNumberId, AppSecret, WaId);
        await person.AgreesAsync();
        await person.WritesAsync(Secret);
        await person.WritesAsync("counsellor");
        var reference = await WaitForCaseAsync();
        var counsellor = await Counsellors.AddAsync(_bot.Services, "telemetry.counsellor@example.org");
        await Counsellors.ClaimAsync(_bot.Services, reference, counsellor);
        Assert.IsType<CaseActionResult.Done>(await Counsellors.SendAsync(_bot.Services, reference, counsellor, "Hello, I am here to help."), exactMatch: false);

        _bot.Services.GetRequiredService<TracerProvider>().ForceFlush();
        _bot.Services.GetRequiredService<MeterProvider>().ForceFlush();

        // The exporters keep adding (deliveries, the backlog sampler) while this reads: read copies.
        var spans = _spans.ToArray();
        var metrics = _metrics.ToArray();

        Assert.Contains(spans, s => s.OperationName == "avrr.webhook" && (string?)s.GetTagItem("avrr.channel") == "whatsapp");
        Assert.Contains(spans, s => s.OperationName == "avrr.turn" && s.GetTagItem("avrr.turn.status") is not null);
        Assert.Contains(spans, s => s.OperationName == "avrr.delivery" && (string?)s.GetTagItem("avrr.delivery.result") == "sent");
        Assert.Contains(spans, s => s.OperationName == "avrr.case.claim" && (string?)s.GetTagItem("avrr.case.result") == "done");

        var names = metrics.Select(m => m.Name).ToHashSet();
        foreach (var name in new[] { "avrr.turns", "avrr.turn.duration", "avrr.webhook.messages", "avrr.deliveries", "avrr.case.queue_wait", "avrr.case.first_response", "avrr.store.commit.units", "avrr.inbox.backlog", "avrr.outbox.backlog" })
        {
            Assert.Contains(name, names);
        }

        // Nothing that names or quotes the person: only channels, outcomes and classes.
        var values = spans.SelectMany(s => s.TagObjects.Select(t => t.Key + "=" + t.Value))
            .Concat(metrics.SelectMany(Points).SelectMany(tags => tags.Select(t => t.Key + "=" + t.Value))).ToList();
        Assert.NotEmpty(values);
        Assert.All(values, value =>
        {
            Assert.DoesNotContain(WaId, value, StringComparison.Ordinal);
            Assert.DoesNotContain("secret", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(reference, value, StringComparison.Ordinal);
        });
        Assert.All(spans.SelectMany(s => s.TagObjects).Select(t => t.Key).Concat(metrics.SelectMany(Points).SelectMany(tags => tags.Select(t => t.Key))),
            key => Assert.True(key.StartsWith("avrr.", StringComparison.Ordinal) || key == "error.type", key));
    }

    [Fact]
    public void The_sdk_runs_only_when_an_otlp_endpoint_is_configured()
    {
        using (var plain = new BotFactory())
        {
            plain.CreateClient().Dispose();
            Assert.Null(plain.Services.GetService<TracerProvider>());
            Assert.Null(plain.Services.GetService<MeterProvider>());
        }

        using var exporting = new BotFactory().With("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317");
        exporting.CreateClient().Dispose();
        Assert.NotNull(exporting.Services.GetService<TracerProvider>());
        Assert.NotNull(exporting.Services.GetService<MeterProvider>());
    }

    private static IEnumerable<List<KeyValuePair<string, object?>>> Points(Metric metric)
    {
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var tags = new List<KeyValuePair<string, object?>>();
            foreach (var tag in point.Tags)
            {
                tags.Add(tag);
            }

            yield return tags;
        }
    }

    private async Task<string> WaitForCaseAsync()
    {
        for (var i = 0; i < 200; i++)
        {
            await using (var connection = await _bot.Services.GetRequiredService<Avrr.Bot.Persistence.StoreConnections>().OpenAsync(default))
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT reference FROM cases WHERE status = 0";
                if (await command.ExecuteScalarAsync() is string reference)
                {
                    return reference;
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("No case was opened.");
    }
}
