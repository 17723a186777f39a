namespace Avrr.Bot.Cases;

/// <summary>Configuration section <c>Cases</c>: what other systems learn about cases.</summary>
public sealed class CasesOptions
{
    public const string Section = "Cases";

    public CaseWebhookOptions Webhook { get; set; } = new();
}

/// <summary>
/// An optional webhook that receives the case export (docs/case-export.md) when a case opens and when it closes,
/// signed with HMAC-SHA256 of the body in <c>X-Avrr-Signature: sha256=&lt;hex&gt;</c>.
/// </summary>
public sealed class CaseWebhookOptions
{
    /// <summary>Where to post; https except to localhost. Empty: no webhook.</summary>
    public string? Url { get; set; }

    /// <summary>The shared secret for the signature (at least 16 characters).</summary>
    public string? Secret { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Url);
}

/// <summary>Configuration section <c>Console</c>: how the counsellors' console assigns and shows cases.</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Console";

    /// <summary>Give the oldest waiting case to an available counsellor who speaks its language and is under capacity.</summary>
    public bool AutoAssign { get; set; }

    /// <summary>A claimed case whose person has waited this long for a reply goes back to the queue. Zero: never.</summary>
    public TimeSpan ReassignAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Administrators manage accounts and content; with this set they may also read cases (read-only).</summary>
    public bool AdminsReadCases { get; set; }
}
