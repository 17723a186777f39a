namespace Avrr.Bot.Console;

/// <summary>What a staff action came to; the console API maps it to HTTP.</summary>
public abstract record CaseActionResult
{
    private CaseActionResult()
    {
    }

    public sealed record Done(long? Seq = null, string? Delivery = null) : CaseActionResult;

    /// <summary>The case is not in a state for this (taken by someone else, closed, outside the WhatsApp window…).</summary>
    public sealed record Conflict(string Message) : CaseActionResult;

    public sealed record Forbidden(string Message) : CaseActionResult;

    public sealed record Invalid(string Message) : CaseActionResult;

    public sealed record NotFound : CaseActionResult;
}
