namespace Avrr.Bot.Privacy;

public sealed class PrivacyOptions
{
    public const string Section = "Privacy";

    /// <summary>
    /// The current master key (key-encryption key) as base64 of 32 random bytes, best from the environment
    /// (<c>Privacy__MasterKey</c>). It wraps every person's data key and is never stored in the database.
    /// </summary>
    public string? MasterKey { get; set; }

    /// <summary>
    /// A file holding master keys, one base64 key per line: the first is current, the others still unwrap data
    /// wrapped before a rotation. Lines starting with <c>#</c> are comments.
    /// </summary>
    public string? MasterKeyFile { get; set; }

    /// <summary>Earlier master keys (base64), kept only until <c>keys rotate</c> has rewrapped everything.</summary>
    public List<string> PreviousMasterKeys { get; set; } = [];

    public RetentionOptions Retention { get; set; } = new();
}

public sealed class RetentionOptions
{
    /// <summary>A conversation is deleted this long after its last activity, unless a case about it is still open.</summary>
    public TimeSpan Conversations { get; set; } = TimeSpan.FromDays(30);

    /// <summary>A closed case (its summary, events and notes) is deleted this long after it closed.</summary>
    public TimeSpan ClosedCases { get; set; } = TimeSpan.FromDays(180);

    /// <summary>Audit entries are deleted this long after they were written.</summary>
    public TimeSpan Audit { get; set; } = TimeSpan.FromDays(730);

    /// <summary>How often the retention sweep runs (on one instance at a time).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Without consent, messages are kept only for delivery: web chat reads them within this time, and push channels
    /// drop them as soon as they are sent.
    /// </summary>
    public TimeSpan WithoutConsent { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long the keyed hash of a platform message id is kept, so a redelivery is still recognised.</summary>
    public TimeSpan DedupeKeys { get; set; } = TimeSpan.FromDays(8);
}
