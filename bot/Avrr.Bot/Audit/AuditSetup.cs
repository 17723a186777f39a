namespace Avrr.Bot.Audit;

internal static class AuditSetup
{
    /// <summary>The audit trail every capability writes to and /audit reads.</summary>
    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AuditTrail>();
        return builder;
    }
}
