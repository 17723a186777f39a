namespace Avrr.Bot.Turns;

/// <summary>A channel that wants its cases announced to itself as a <c>handoff.initiate</c> event, when it is configured to.</summary>
public interface IHandoffEventChannel
{
    string Channel { get; }

    bool Enabled { get; }
}

/// <summary>
/// The channels whose cases are also announced to the channel itself, as the Bot Framework's <c>handoff.initiate</c>
/// event (an agent hub behind Azure Bot Service). The turn adds the event in the transaction that opens the case, so
/// the announcement goes out exactly when the case exists.
/// </summary>
public sealed class HandoffEvents(IEnumerable<IHandoffEventChannel> channels)
{
    public const string Initiate = "handoff.initiate";

    private readonly HashSet<string> _channels = [.. channels.Where(c => c.Enabled).Select(c => c.Channel)];

    public bool Wanted(string channel) => _channels.Contains(channel);
}
