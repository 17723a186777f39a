namespace Avrr.Bot.Staff;

public sealed class StaffOptions
{
    public const string Section = "Staff";

    /// <summary>Sign-in attempts a client address may make per minute (beyond: 429), besides the per-account lockout.</summary>
    public int SignInAttemptsPerMinute { get; set; } = 10;
}
