using Avrr.Bot.Tests.Infrastructure;
using Avrr.Bot.Turns;
using Avrr.Knowledge;
using Microsoft.Extensions.DependencyInjection;

namespace Avrr.Bot.Tests.Intake;

/// <summary>
/// A transcript through the real host: the production intake engine on the shipped content, the turn pipeline and
/// the SQLite store. <see cref="Restart"/> replaces the whole host on the same database, as a process restart would.
/// </summary>
internal sealed class PipelineTranscript : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "avrr-tests", Guid.NewGuid().ToString("N"));
    private readonly string _conversation = "t-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _locale;
    private BotFactory _factory;
    private int _messages;

    public PipelineTranscript(string language, string locale)
    {
        Language = language;
        _locale = locale;
        _factory = Start();
    }

    public string Language { get; set; }

    public string Text { get; private set; } = "";

    public IKnowledgeSnapshot Knowledge => _factory.Services.GetRequiredService<IKnowledgeSource>().Current;

    private BotFactory Start()
    {
        var factory = new BotFactory(_directory);
        factory.CreateClient().Dispose();
        return factory;
    }

    public PipelineTranscript Send(string text)
    {
        var outcome = _factory.Services.GetRequiredService<TurnPipeline>()
            .ProcessAsync(Inbound.Message(_conversation, $"m{_messages++}", text, locale: _locale), default)
            .GetAwaiter().GetResult();
        Text = string.Join("\n\n", outcome.Outgoing.Select(o => o.Activity.Text));
        return this;
    }

    public PipelineTranscript Says(string key, params (string Name, string Value)[] args)
    {
        var expected = Knowledge.Said(key, Language, args.ToDictionary(a => a.Name, a => a.Value));
        Assert.Contains(expected, Text, StringComparison.Ordinal);
        return this;
    }

    public PipelineTranscript DoesNotSay(string key)
    {
        Assert.DoesNotContain(Knowledge.Said(key, Language), Text, StringComparison.Ordinal);
        return this;
    }

    public string S(string key) => Knowledge.Said(key, Language);

    /// <summary>Stops this host and starts a new one on the same database.</summary>
    public PipelineTranscript Restart()
    {
        _factory.Dispose();
        _factory = Start();
        return this;
    }

    /// <summary>The conversation's cases with this urgency (one per conversation while open: escalations raise it).</summary>
    public int Cases(int urgency)
    {
        var contexts = _factory.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Avrr.Bot.Persistence.AvrrDbContext>>();
        using var db = contexts.CreateDbContext();
        return db.Cases.Count(h => h.ConversationId == _conversation && h.Urgency == urgency);
    }

    public void Dispose()
    {
        _factory.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
