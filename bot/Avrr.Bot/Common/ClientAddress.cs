namespace Avrr.Bot.Common;

public static class ClientAddress
{
    /// <summary>The client's address as the trusted proxy reported it (after <c>UseForwardedHeaders</c>).</summary>
    public static string Of(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
