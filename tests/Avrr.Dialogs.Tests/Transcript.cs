using Avrr.Dialogs.Intake;
using Avrr.Knowledge;

namespace Avrr.Dialogs.Tests;

/// <summary>
/// Transcript tests in the botbuilder style: send what a person types, assert what the bot says. Expected texts come
/// from the shipped content by key, so a wording change in content does not break the tests but a wrong step does.
/// The state goes through its serialised form between turns, as it does through the store.
/// </summary>
internal sealed class Transcript(string channelLocale = "en-US", ChannelCapabilities? capabilities = null)
{
    private static readonly DateTimeOffset Began = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private int _turns;

    public static IKnowledgeSource Knowledge { get; } = new FileKnowledgeSource(ContentPath());

    public IDialogEngine Engine { get; set; } = new IntakeEngine(Knowledge);

    public string? State { get; private set; }

    public TurnResult Last { get; private set; } = new(null!, [], [], false);

    public List<DialogSignal> Signals { get; } = [];

    public string Language { get; set; } = "en";

    /// <summary>The channel the host names (what "my data" says is kept for it).</summary>
    public string Channel { get; set; } = "directline";

    /// <summary>Where the request for a counsellor stands, as the host would say on the next turns.</summary>
    public CaseStatus Case { get; set; }

    /// <summary>The reference the host gives the case it opens on a hand-off.</summary>
    public const string Reference = "AV-7K3Q";

    /// <summary>What the host would say the wait is when it queues a case.</summary>
    public TimeSpan? ExpectedWait { get; set; }

    public DateTimeOffset Now => Began.AddMinutes(_turns);

    /// <summary>What the host's translator made of the next message in the source language (used once).</summary>
    public string? TextInSourceLanguage { get; set; }

    public Transcript Join() => Run(null, null);

    /// <summary>The first message of a person who came by a deep link (Telegram <c>/start &lt;parameter&gt;</c>).</summary>
    public Transcript Start(string parameter) => Run(null, null, parameter);

    public Transcript Send(string text) => Run(text, null);

    public Transcript Press(string value) => Run(null, value);

    /// <summary>Sets the clock of the next turns (office hours).</summary>
    public Transcript At(DateTimeOffset when)
    {
        _turns = (int)(when - Began).TotalMinutes;
        return this;
    }

    private Transcript Run(string? text, string? value, string? start = null)
    {
        var now = Began.AddMinutes(_turns++);
        Last = Engine.Run(State, new TurnInput(text, value, channelLocale, capabilities ?? ChannelCapabilities.WebChat, now, start) { Channel = Channel, Case = Case, CaseReference = Case == CaseStatus.None ? null : Reference, TextInSourceLanguage = TextInSourceLanguage });
        TextInSourceLanguage = null;
        State = Last.State;
        Signals.AddRange(Last.Signals);
        if (Case == CaseStatus.None && Last.Signals.Any(s => s is HandoffRequested))
        {
            // As the host does: the case opens and the person is told, in the same transaction, where they stand.
            var turn = Last;
            var queued = Engine.Notify(State, new CaseNotice.Queued(Reference, ExpectedWait), capabilities ?? ChannelCapabilities.WebChat, now);
            State = queued.State;
            Last = turn with { State = queued.State, Replies = [.. turn.Replies, .. queued.Replies] };
            Case = CaseStatus.Waiting;
        }

        return this;
    }

    /// <summary>The host tells the person what happened to their case (a counsellor joined, handed back, closed it).</summary>
    public Transcript Notify(CaseNotice notice)
    {
        Last = Engine.Notify(State, notice, capabilities ?? ChannelCapabilities.WebChat, Began.AddMinutes(_turns++));
        State = Last.State;
        Case = notice switch
        {
            CaseNotice.Joined or CaseNotice.Transferred => CaseStatus.WithCounsellor,
            CaseNotice.Left => CaseStatus.Waiting,
            CaseNotice.Closed or CaseNotice.HandedBack => CaseStatus.None,
            _ => Case,
        };
        return this;
    }

    public string Text => string.Join("\n\n", Last.Replies.Select(r => r.Text));

    public IReadOnlyList<ReplyChoice> Choices => Last.Replies.Count == 0 ? [] : Last.Replies[^1].Choices;

    /// <summary>The string as the engine says it: with its arguments and the retention periods of <see cref="DataTerms.Default"/>.</summary>
    public string S(string key, params (string Name, string Value)[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["retention_days"] = DataTerms.Default.ConversationDays.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["case_retention_days"] = DataTerms.Default.ClosedCaseDays.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in args)
        {
            values[name] = value;
        }

        return Knowledge.Current.Text(key, Language, values).Text;
    }

    /// <summary>Asserts the reply contains the string <paramref name="key"/> in the transcript's language.</summary>
    public Transcript Says(string key, params (string Name, string Value)[] args)
    {
        Assert.Contains(S(key, args), Text, StringComparison.Ordinal);
        return this;
    }

    public Transcript DoesNotSay(string key)
    {
        Assert.DoesNotContain(S(key), Text, StringComparison.Ordinal);
        return this;
    }

    public Transcript Offers(string title)
    {
        Assert.Contains(Choices, c => c.Title == title);
        return this;
    }

    public Transcript IsRightToLeft(bool expected)
    {
        Assert.All(Last.Replies, r => Assert.Equal(expected, r.RightToLeft));
        return this;
    }

    public static string ContentPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "knowledge", "content");
            if (File.Exists(Path.Combine(candidate, "content.yaml")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("knowledge/content");
    }
}
