namespace Avrr.Dialogs.Intake.Steps;

/// <summary>
/// One step of the intake, stateless like the engine: what it says when the person arrives at it (or must be asked
/// again), and what it does with what they send while there. Everything about the person is in the turn's state.
/// </summary>
internal interface IStep
{
    Step Id { get; }

    /// <summary>Says the step's prompt and offers its choices.</summary>
    void Render(Turn turn);

    /// <summary>Handles a message sent at this step (commands and safeguarding were handled before).</summary>
    void Handle(Turn turn, string? text);
}
