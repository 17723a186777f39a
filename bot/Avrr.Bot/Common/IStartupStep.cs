namespace Avrr.Bot.Common;

/// <summary>Work that must finish after the schema exists and before traffic (loading secrets, published content).</summary>
internal interface IStartupStep
{
    Task RunAsync(CancellationToken ct);
}
