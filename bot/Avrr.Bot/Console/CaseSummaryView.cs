using System.Text.Json;
using Avrr.Knowledge;


namespace Avrr.Bot.Console;

public sealed record ConsentView(string? Version, bool Given, DateTimeOffset? At);

public sealed record FindingView(string Rule, string Effect, string Reason, string? Source, string? LastVerified);

public sealed record PreScreenView(string Programme, string ProgrammeName, string Outcome, string ContentVersion, IReadOnlyList<FindingView> Findings);

/// <param name="Words">What the person typed, when they typed rather than chose: shown beside the label.</param>
public sealed record AnswerView(string Question, string QuestionLabel, string Answer, string AnswerLabel, string? Words);

public sealed record FlagView(string Category, string? Message, DateTimeOffset? At);

public sealed record OpenQuestionView(string Question, string Label);

/// <summary>
/// The case summary as a counsellor reads it: machine values from the dialog with labels in the counsellor's
/// language, from the content version the person answered under; the person's own words beside them.
/// </summary>
public sealed record CaseSummaryView(
    int SchemaVersion,
    string? Reason,
    string? Urgency,
    ConsentView? Consent,
    string? Programme,
    string? ProgrammeName,
    string? ContentVersion,
    PreScreenView? PreScreen,
    IReadOnlyList<AnswerView> Answers,
    IReadOnlyList<FlagView> Flags,
    IReadOnlyList<OpenQuestionView> OpenQuestions)
{
    public static CaseSummaryView Empty { get; } = new(0, null, null, null, null, null, null, null, [], [], []);

    /// <summary>Reads schema 2 (and schema 1, written before cases existed: answers as an object, no words).</summary>
    public static CaseSummaryView Render(string json, IKnowledgeSource knowledge, string language)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var schema = root.TryGetProperty("schemaVersion", out var v) && v.TryGetInt32(out var n) ? n : 1;
        var contentVersion = Str(root, "contentVersion") ?? (root.TryGetProperty("preScreen", out var ps) && ps.ValueKind == JsonValueKind.Object ? Str(ps, "contentVersion") : null);
        var k = (contentVersion is null ? null : knowledge.Find(contentVersion)) ?? knowledge.Current;
        string T(string key) => k.Text(key, language).Text;

        var answers = new List<AnswerView>();
        if (root.TryGetProperty("answers", out var a))
        {
            var pairs = a.ValueKind == JsonValueKind.Array
                ? a.EnumerateArray().Select(e => (Str(e, "question") ?? "", Str(e, "answer") ?? "", Str(e, "words")))
                : a.ValueKind == JsonValueKind.Object ? a.EnumerateObject().Select(p => (p.Name, p.Value.GetString() ?? "", (string?)null)) : [];
            foreach (var (question, answer, words) in pairs)
            {
                answers.Add(new AnswerView(question, QuestionLabel(k, question, T), answer, AnswerLabel(k, question, answer, T), words));
            }
        }

        var flags = new List<FlagView>();
        if (root.TryGetProperty("flags", out var f) && f.ValueKind == JsonValueKind.Array)
        {
            foreach (var flag in f.EnumerateArray())
            {
                flags.Add(flag.ValueKind == JsonValueKind.String
                    ? new FlagView(flag.GetString() ?? "", null, null)
                    : new FlagView(Str(flag, "category") ?? "", Str(flag, "message"), flag.TryGetProperty("at", out var at) && at.TryGetDateTimeOffset(out var when) ? when : null));
            }
        }

        PreScreenView? preScreen = null;
        if (root.TryGetProperty("preScreen", out var p) && p.ValueKind == JsonValueKind.Object)
        {
            var programme = Str(p, "programme") ?? "";
            preScreen = new PreScreenView(
                programme,
                k.FindProgramme(programme) is { } found ? T(found.NameKey) : programme,
                Str(p, "outcome") ?? "",
                Str(p, "contentVersion") ?? "",
                p.TryGetProperty("findings", out var findings) && findings.ValueKind == JsonValueKind.Array
                    ? findings.EnumerateArray().Select(x => new FindingView(Str(x, "rule") ?? "", Str(x, "effect") ?? "", Str(x, "reason") ?? "", Str(x, "source"), Str(x, "lastVerified"))).ToList()
                    : []);
        }

        ConsentView? consent = null;
        if (root.TryGetProperty("consent", out var c) && c.ValueKind == JsonValueKind.Object)
        {
            consent = new ConsentView(Str(c, "version"), c.TryGetProperty("given", out var g) && g.ValueKind == JsonValueKind.True, c.TryGetProperty("at", out var cat) && cat.TryGetDateTimeOffset(out var consentAt) ? consentAt : null);
        }

        var programmeId = Str(root, "programme") ?? preScreen?.Programme;
        var open = root.TryGetProperty("openQuestions", out var o) && o.ValueKind == JsonValueKind.Array
            ? o.EnumerateArray().Select(q => q.GetString() ?? "").Select(q => new OpenQuestionView(q, QuestionLabel(k, q, T))).ToList()
            : [];
        var info = root.TryGetProperty("case", out var ci) && ci.ValueKind == JsonValueKind.Object ? ci : default;
        return new CaseSummaryView(
            schema,
            info.ValueKind == JsonValueKind.Object ? Str(info, "reason") : null,
            info.ValueKind == JsonValueKind.Object ? Str(info, "urgency") : null,
            consent,
            programmeId,
            programmeId is not null && k.FindProgramme(programmeId) is { } named ? T(named.NameKey) : programmeId,
            contentVersion,
            preScreen,
            answers,
            flags,
            open);
    }

    private static string QuestionLabel(IKnowledgeSnapshot k, string question, Func<string, string> t) =>
        question == "host_country" ? t("q.host_country") : k.FindQuestion(question) is { } q ? t(q.PromptKey) : question;

    private static string AnswerLabel(IKnowledgeSnapshot k, string question, string answer, Func<string, string> t)
    {
        switch (answer)
        {
            case SpecialAnswers.DontKnow:
                return t("common.dont_know");
            case SpecialAnswers.PreferNotToSay:
                return t("common.prefer_not");
        }

        if (question == "host_country")
        {
            return k.HostCountries.FirstOrDefault(h => h.ProgrammeId == answer) is { } country ? t(country.NameKey) : answer == "other" ? t("country.other") : answer;
        }

        return k.FindQuestion(question)?.Options.FirstOrDefault(o => o.Id == answer) is { } option ? t(option.LabelKey) : answer;
    }

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
