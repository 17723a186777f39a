using YamlDotNet.RepresentationModel;

namespace Avrr.Knowledge;

/// <summary>The <c>service</c> section of content.yaml: office hours, case outcomes, canned responses.</summary>
internal sealed partial class ContentReader
{
    private static readonly Dictionary<string, DayOfWeek> Days = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Mon"] = DayOfWeek.Monday,
        ["Tue"] = DayOfWeek.Tuesday,
        ["Wed"] = DayOfWeek.Wednesday,
        ["Thu"] = DayOfWeek.Thursday,
        ["Fri"] = DayOfWeek.Friday,
        ["Sat"] = DayOfWeek.Saturday,
        ["Sun"] = DayOfWeek.Sunday,
    };

    private void ReadService(YamlReader yaml, YamlNode node)
    {
        if (node is not YamlMappingNode service)
        {
            yaml.Error(YamlReader.Line(node), "'service' must be a mapping");
            return;
        }

        model.ServiceLine = YamlReader.Line(service);
        yaml.OnlyKnownFields(service, "timezone", "hours", "outcomes", "canned");
        var zoneId = yaml.String(service, "timezone");
        var zone = TimeZoneInfo.Utc;
        if (zoneId is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out zone))
        {
            yaml.Error(YamlReader.Line(YamlReader.Get(service, "timezone")!), $"unknown time zone '{zoneId}' (use an IANA name such as Europe/Brussels)");
            zone = TimeZoneInfo.Utc;
        }

        var hours = new List<OfficeHours>();
        foreach (var entry in yaml.Sequence(service, "hours", required: false))
        {
            yaml.OnlyKnownFields(entry, "days", "open", "close");
            var open = Time(yaml, entry, "open");
            var close = Time(yaml, entry, "close");
            if (open is not null && close is not null && open >= close)
            {
                yaml.Error(YamlReader.Line(entry), "'open' must be before 'close'");
                continue;
            }

            foreach (var day in yaml.StringList(YamlReader.Get(entry, "days"), "days"))
            {
                if (!Days.TryGetValue(day, out var dayOfWeek))
                {
                    yaml.Error(YamlReader.Line(entry), $"unknown day '{day}' (use Mon, Tue, Wed, Thu, Fri, Sat, Sun)");
                }
                else if (open is not null && close is not null)
                {
                    hours.Add(new OfficeHours(dayOfWeek, open.Value, close.Value));
                }
            }
        }

        var outcomes = new List<CaseOutcome>();
        foreach (var entry in yaml.Sequence(service, "outcomes"))
        {
            yaml.OnlyKnownFields(entry, "id", "label");
            if (yaml.String(entry, "id") is { } id && yaml.String(entry, "label") is { } label)
            {
                if (outcomes.Any(o => o.Id == id))
                {
                    yaml.Error(YamlReader.Line(entry), $"duplicate outcome '{id}'");
                }
                else
                {
                    outcomes.Add(new CaseOutcome(id, label));
                }
            }
        }

        var canned = yaml.StringList(YamlReader.Get(service, "canned"), "canned response ids");
        model.Service = new ServiceInfo(zone, hours, outcomes.Count > 0 ? outcomes : ServiceInfo.AlwaysOpen.Outcomes, canned);
    }

    private static TimeOnly? Time(YamlReader yaml, YamlMappingNode map, string key)
    {
        var text = yaml.String(map, key);
        if (text is null)
        {
            return null;
        }

        if (TimeOnly.TryParseExact(text, "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var time))
        {
            return time;
        }

        yaml.Error(YamlReader.Line(YamlReader.Get(map, key)!), $"'{key}' must be a time like 09:00");
        return null;
    }
}
