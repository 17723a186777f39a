using System.Security.Cryptography;

namespace Avrr.Bot.Cases;

/// <summary>
/// Short case references people can read aloud and type: <c>AV-</c> and four characters of Crockford's base32 (no I, L,
/// O or U), about a million values; the unique index turns a rare collision into a retry with another one.
/// </summary>
public static class CaseReferences
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New() => string.Create(7, 0, static (span, _) =>
    {
        "AV-".AsSpan().CopyTo(span);
        for (var i = 3; i < span.Length; i++)
        {
            span[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }
    });

    /// <summary>What staff typed, as stored: case and spacing ignored, look-alikes (O→0, I and L→1) read as Crockford does.</summary>
    public static string Normalize(string typed)
    {
        var compact = new string([.. typed.Trim().ToUpperInvariant().Where(c => c != ' ' && c != '-')]);
        if (compact.StartsWith("AV", StringComparison.Ordinal))
        {
            compact = compact[2..];
        }

        var body = new string([.. compact.Select(c => c switch { 'O' => '0', 'I' or 'L' => '1', _ => c })]);
        return "AV-" + body;
    }
}

/// <summary>The events the case webhook posts.</summary>
public static class CaseWebhookEvents
{
    public const string Opened = "case.opened";
    public const string Closed = "case.closed";
}
