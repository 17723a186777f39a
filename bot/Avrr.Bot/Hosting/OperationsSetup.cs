using Avrr.Bot.Common;
using Avrr.Bot.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Avrr.Bot.Hosting;

internal static class OperationsSetup
{
    public const string DefaultUrl = "http://localhost:5080";

    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder)
    {
        // The documented default address, unless --urls, ASPNETCORE_URLS or Urls says otherwise.
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // Request logs carry URLs, and stream URLs carry tokens: keep the framework quiet unless configured otherwise,
        // whichever content root the host runs from. The product's own logs never contain message text.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        builder.Services.AddSingleton<Telemetry>();
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // Without somewhere to send them, no span is even created: a turn pays nothing for telemetry.
            // The standard OTEL_* variables configure the rest (protocol, headers, service name).
            builder.Services.AddAvrrTelemetry(builder.Configuration).UseOtlpExporter();
        }

        // In-flight turns finish before the process exits.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(20));
        return builder;
    }

    /// <summary>The OpenTelemetry SDK listening to the bot's own traces and metrics (docs/operations.md); exporters are added by the caller.</summary>
    public static OpenTelemetryBuilder AddAvrrTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        // The backlog gauges count rows every 15 s: only worth it when someone reads them.
        services.AddHostedService<Operations.BacklogSampler>();
        return services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("avrr-bot"))
            .WithTracing(tracing =>
            {
                tracing.AddSource(Telemetry.Name);
                if (string.IsNullOrWhiteSpace(configuration["OTEL_TRACES_SAMPLER"]))
                {
                    // The request around a span is not itself traced (no ASP.NET Core instrumentation: its URLs carry
                    // conversation ids and tokens), so a parent-based sampler would drop every span.
                    tracing.SetSampler(new AlwaysOnSampler());
                }
            })
            .WithMetrics(metrics => metrics.AddMeter(Telemetry.Name));
    }

    public static WebApplication MapOperations(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new() { Predicate = check => check.Tags.Contains("ready") });
        return app;
    }

    private sealed class DatabaseHealthCheck(IDbContextFactory<AvrrDbContext> contexts) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The database is not reachable.");
        }
    }
}
