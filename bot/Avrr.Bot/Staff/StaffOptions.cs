namespace Avrr.Bot.Staff;

public sealed class StaffOptions
{
    public const string Section = "Staff";

    /// <summary>Sign-in attempts a client address may make per minute (beyond: 429), besides the per-account lockout.</summary>
    public int SignInAttemptsPerMinute { get; set; } = 10;

    /// <summary>
    /// Roles that must sign in with an authenticator app (TOTP) as a second factor, e.g. <c>["Admin", "Supervisor",
    /// "Counsellor"]</c>. Someone in such a role who has not set one up is sent to set it up before anything else.
    /// </summary>
    public List<string> RequireTwoFactor { get; set; } = [];
}
