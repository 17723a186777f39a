using YamlDotNet.RepresentationModel;

namespace Avrr.Knowledge;

/// <summary>programmes/&lt;country&gt;.yaml: a programme, its questions, rules with their conditions, and facts.</summary>
internal sealed partial class ContentReader
{
    private void ReadProgramme(YamlReader yaml, string text)
    {
        if (yaml.Root(text) is not { } root)
        {
            return;
        }

        yaml.OnlyKnownFields(root, "id", "host_country", "country_name", "name", "summary", "questions", "rules", "facts");
        var id = yaml.String(root, "id");
        var country = yaml.String(root, "host_country");
        var name = yaml.String(root, "name");
        var summary = yaml.String(root, "summary");
        var countryName = yaml.String(root, "country_name");
        if (id is null || country is null || name is null || summary is null || countryName is null)
        {
            return;
        }

        var questions = new List<ProgrammeQuestion>();
        if (YamlReader.Get(root, "questions") is YamlSequenceNode list)
        {
            foreach (var item in list)
            {
                switch (item)
                {
                    case YamlScalarNode { Value: { } questionId }:
                        questions.Add(new ProgrammeQuestion(questionId, new Dictionary<string, IReadOnlyList<string>>()));
                        break;
                    case YamlMappingNode conditional:
                        yaml.OnlyKnownFields(conditional, "id", "ask_if");
                        questions.Add(new ProgrammeQuestion(yaml.String(conditional, "id") ?? "", Conditions(yaml, YamlReader.Get(conditional, "ask_if"))));
                        break;
                }
            }
        }
        else
        {
            yaml.Error(YamlReader.Line(root), "field 'questions' must be a list of question ids");
        }

        var rules = new List<ProgrammeRule>();
        foreach (var rule in yaml.Sequence(root, "rules", required: false))
        {
            yaml.OnlyKnownFields(rule, "id", "exclude_when", "require", "reason", "source", "last_verified");
            var ruleId = yaml.String(rule, "id");
            var reason = yaml.String(rule, "reason");
            var source = Cite(yaml, rule, $"rule '{ruleId}'");
            var verified = yaml.Date(rule, "last_verified");
            var exclude = YamlReader.Get(rule, "exclude_when");
            var require = YamlReader.Get(rule, "require");
            if ((exclude is null) == (require is null))
            {
                yaml.Error(YamlReader.Line(rule), $"rule '{ruleId}' needs exactly one of 'exclude_when' or 'require'");
                continue;
            }

            if (ruleId is null || reason is null || source is null || verified is null)
            {
                continue;
            }

            var conditions = Conditions(yaml, exclude ?? require);
            if (require is not null && conditions.Count != 1)
            {
                yaml.Error(YamlReader.Line(rule), $"rule '{ruleId}': 'require' names exactly one question");
            }

            rules.Add(new ProgrammeRule(ruleId, exclude is not null ? RuleKind.Exclude : RuleKind.Require, conditions, reason, source, verified.Value));
        }

        var facts = new List<ProgrammeFact>();
        foreach (var fact in yaml.Sequence(root, "facts", required: false))
        {
            yaml.OnlyKnownFields(fact, "id", "kind", "text", "when", "source", "last_verified");
            var factId = yaml.String(fact, "id");
            var kind = yaml.String(fact, "kind");
            var factText = yaml.String(fact, "text");
            var source = Cite(yaml, fact, $"fact '{factId}'");
            var verified = yaml.Date(fact, "last_verified");
            var when = YamlReader.Get(fact, "when") is { } conditions ? Conditions(yaml, conditions) : [];
            if (factId is not null && kind is not null && factText is not null && source is not null && verified is not null)
            {
                facts.Add(new ProgrammeFact(factId, kind, factText, source, verified.Value) { When = when });
            }
        }

        var programme = new Programme(id, country, name, summary, questions.Select(q => q.QuestionId).ToList(), facts);
        if (!model.Programmes.TryAdd(id, new ProgrammeDefinition(programme, questions, rules)))
        {
            yaml.Error(YamlReader.Line(root), $"duplicate programme id '{id}'");
            return;
        }

        model.HostCountries.Add(new HostCountry(country, countryName, id));
    }

    private static Dictionary<string, IReadOnlyList<string>> Conditions(YamlReader yaml, YamlNode? node)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (node is not YamlMappingNode map)
        {
            if (node is not null)
            {
                yaml.Error(YamlReader.Line(node), "conditions must be a mapping of question id to accepted answers");
            }

            return result;
        }

        foreach (var (key, value) in map.Children)
        {
            result[((YamlScalarNode)key).Value ?? ""] = yaml.StringList(value, "accepted answers");
        }

        return result;
    }
}
