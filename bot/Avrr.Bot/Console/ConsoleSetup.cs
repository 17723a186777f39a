using Avrr.Bot.Cases;
using Avrr.Bot.Common;
using Avrr.Bot.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Console;

/// <summary>The counsellors' console: Razor pages under /console over the JSON API under /api/console, with SignalR for live updates.</summary>
internal static class ConsoleSetup
{
    /// <summary>Counsellors and supervisors; administrators too when Console:AdminsReadCases is set.</summary>
    public const string ConsolePolicy = "Console";

    /// <summary>Supervisors (and administrators, who see figures, not case content): the supervisor view and the audit.</summary>
    public const string SupervisorPolicy = "Supervisor";

    public const string HubPath = "/console/hub";

    public static WebApplicationBuilder AddConsole(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConsoleOptions>().BindConfiguration(ConsoleOptions.Section)
            .Validate(o => o.ReassignAfter >= TimeSpan.Zero, "Console:ReassignAfter must not be negative.");
        builder.Services.AddOptions<CasesOptions>().BindConfiguration(CasesOptions.Section)
            .Validate(o => !o.Webhook.Enabled || Uri.TryCreate(o.Webhook.Url, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.IsLoopback),
                "Cases:Webhook:Url must be an absolute https URL (http only to localhost).")
            .Validate(o => !o.Webhook.Enabled || o.Webhook.Secret is { Length: >= 16 }, "Cases:Webhook:Secret must have at least 16 characters when Cases:Webhook:Url is set.")
            .ValidateOnStart();
        builder.Services.AddSingleton<StaffDirectory>();
        builder.Services.AddSingleton<CaseActions>();
        builder.Services.AddSingleton<CaseQueries>();
        builder.Services.AddHostedService<ConsoleBroadcaster>();
        builder.Services.AddSingleton<CaseAssigner>();
        builder.Services.AddHostedService(services => services.GetRequiredService<CaseAssigner>());
        builder.Services.AddSingleton<CaseWebhookRelay>();
        builder.Services.AddHostedService(services => services.GetRequiredService<CaseWebhookRelay>());
        builder.Services.AddOutboundClient(CaseWebhookRelay.ClientName, (_, _) => TimeSpan.FromSeconds(15));
        builder.Services.AddSignalR(options => options.MaximumReceiveMessageSize = 4 * 1024);
        builder.Services.AddOpenApi("console", options => options.ShouldInclude = description => description.RelativePath?.StartsWith("api/console", StringComparison.Ordinal) == true);
        builder.Services.AddSingleton<IAuthorizationHandler, ConsoleAccessHandler>();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ConsolePolicy, policy => policy.RequireAuthenticatedUser().AddRequirements(new ConsoleAccessRequirement()))
            .AddPolicy(SupervisorPolicy, policy => policy.RequireRole(StaffRoles.Supervisor, StaffRoles.Admin));
        return builder;
    }

    public static WebApplication MapConsole(this WebApplication app)
    {
        app.MapConsoleApi();
        app.MapHub<ConsoleHub>(HubPath).RequireAuthorization(ConsolePolicy);
        app.MapOpenApi("/api/{documentName}/openapi.json").RequireAuthorization(ConsolePolicy);
        return app;
    }

    private sealed class ConsoleAccessRequirement : IAuthorizationRequirement;

    private sealed class ConsoleAccessHandler(IOptionsMonitor<ConsoleOptions> options) : AuthorizationHandler<ConsoleAccessRequirement>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ConsoleAccessRequirement requirement)
        {
            var user = context.User;
            if (user.IsInRole(StaffRoles.Counsellor) || user.IsInRole(StaffRoles.Supervisor) || user.IsInRole(StaffRoles.Admin) && options.CurrentValue.AdminsReadCases)
            {
                context.Succeed(requirement);
            }

            return Task.CompletedTask;
        }
    }
}
