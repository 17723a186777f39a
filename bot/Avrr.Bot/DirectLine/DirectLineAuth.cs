namespace Avrr.Bot.DirectLine;

/// <summary>Who is calling: the holder of the master secret, or the holder of one conversation's token.</summary>
internal sealed record DirectLineCaller(bool IsSecret, DirectLineGrant? Grant, string? PresentedToken);

internal static class DirectLineAuth
{
    /// <returns>The caller, or the error to answer with.</returns>
    public static (DirectLineCaller? Caller, IResult? Error) Authenticate(HttpRequest request, DirectLineSecret secret, DirectLineTokens tokens, bool allowSecret = true)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        if (!header.StartsWith(prefix, StringComparison.Ordinal) || header.Length == prefix.Length)
        {
            return (null, DirectLineErrors.MissingAuthorization());
        }

        var presented = header[prefix.Length..].Trim();
        switch (tokens.CheckConversationToken(presented, out var grant))
        {
            case TokenCheck.Valid:
                return (new DirectLineCaller(false, grant, presented), null);
            case TokenCheck.Expired:
                return (null, DirectLineErrors.TokenExpired());
        }

        if (allowSecret && secret.Matches(presented))
        {
            return (new DirectLineCaller(true, null, null), null);
        }

        return (null, DirectLineErrors.Forbidden());
    }
}
