using System.Text.Json;
using System.Text.Json.Nodes;

namespace Avrr.Channels.Fakes.WhatsApp;

/// <summary>
/// The documented limits of the message types the bot sends (the WhatsApp Cloud API reference). The real client libraries do not
/// check them (their interactive type is <c>unknown</c>), so the fake must. Lengths are UTF-16 string lengths.
/// A missing field gives code 100; a present field that breaks a limit gives 131009 naming the field.
/// </summary>
internal static class MessageRules
{
    /// <summary>Returns the error Graph would answer with, or null when the message is acceptable.</summary>
    public static GraphError? Check(JsonObject message, string type) => type switch
    {
        "text" => CheckText(message),
        "interactive" => CheckInteractive(message),
        "template" => CheckTemplate(message),
        _ => GraphError.InvalidParameter($"type '{type}' is not one of text, interactive, template (the types this fake serves)."),
    };

    private static GraphError? CheckText(JsonObject message)
    {
        if (message["text"] is not JsonObject text)
        {
            return GraphError.MissingParameter("text");
        }

        return RequiredText(text, "body", "text.body", 4096);
    }

    private static GraphError? CheckInteractive(JsonObject message)
    {
        if (message["interactive"] is not JsonObject interactive)
        {
            return GraphError.MissingParameter("interactive");
        }

        var kind = String(interactive, "type");
        return kind switch
        {
            null => GraphError.MissingParameter("interactive.type"),
            "button" => CheckButtons(interactive),
            "list" => CheckList(interactive),
            _ => GraphError.InvalidParameter($"interactive.type '{kind}' is not one of button, list (the types this fake serves)."),
        };
    }

    private static GraphError? CheckButtons(JsonObject interactive)
    {
        var common = CheckBodyHeaderFooter(interactive, bodyMax: 1024, textHeaderOnly: false);
        if (common is not null)
        {
            return common;
        }

        if (interactive["action"] is not JsonObject action)
        {
            return GraphError.MissingParameter("interactive.action");
        }

        if (action["buttons"] is not JsonArray buttons)
        {
            return GraphError.MissingParameter("interactive.action.buttons");
        }

        if (buttons.Count is < 1 or > 3)
        {
            return GraphError.InvalidValue(
                $"interactive.action.buttons must have 1 to 3 buttons (got {buttons.Count}).");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var titles = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < buttons.Count; i++)
        {
            var path = $"interactive.action.buttons[{i}]";
            if (buttons[i] is not JsonObject button)
            {
                return GraphError.InvalidParameter($"{path} must be an object.");
            }

            if (String(button, "type") is not "reply")
            {
                return GraphError.InvalidParameter($"{path}.type must be \"reply\".");
            }

            if (button["reply"] is not JsonObject reply)
            {
                return GraphError.MissingParameter($"{path}.reply");
            }

            var error = RequiredText(reply, "id", $"{path}.reply.id", 256)
                ?? RequiredText(reply, "title", $"{path}.reply.title", 20);
            if (error is not null)
            {
                return error;
            }

            if (!ids.Add(String(reply, "id")!))
            {
                return GraphError.InvalidValue($"{path}.reply.id must be unique among the buttons.");
            }

            if (!titles.Add(String(reply, "title")!))
            {
                return GraphError.InvalidValue($"{path}.reply.title must be unique among the buttons.");
            }
        }

        return null;
    }

    private static GraphError? CheckList(JsonObject interactive)
    {
        // The list body limit is not in the messages reference; 4096 is the limit Meta's list-message page gives.
        var common = CheckBodyHeaderFooter(interactive, bodyMax: 4096, textHeaderOnly: true);
        if (common is not null)
        {
            return common;
        }

        if (interactive["action"] is not JsonObject action)
        {
            return GraphError.MissingParameter("interactive.action");
        }

        var buttonError = RequiredText(action, "button", "interactive.action.button", 20);
        if (buttonError is not null)
        {
            return buttonError;
        }

        if (action["sections"] is not JsonArray sections)
        {
            return GraphError.MissingParameter("interactive.action.sections");
        }

        if (sections.Count is < 1 or > 10)
        {
            return GraphError.InvalidValue(
                $"interactive.action.sections must have 1 to 10 sections (got {sections.Count}).");
        }

        var rowIds = new HashSet<string>(StringComparer.Ordinal);
        var totalRows = 0;
        for (var s = 0; s < sections.Count; s++)
        {
            var path = $"interactive.action.sections[{s}]";
            if (sections[s] is not JsonObject section)
            {
                return GraphError.InvalidParameter($"{path} must be an object.");
            }

            var titleError = sections.Count > 1
                ? RequiredText(section, "title", $"{path}.title", 24)
                : OptionalText(section, "title", $"{path}.title", 24);
            if (titleError is not null)
            {
                return titleError;
            }

            if (section["rows"] is not JsonArray rows)
            {
                return GraphError.MissingParameter($"{path}.rows");
            }

            if (rows.Count == 0)
            {
                return GraphError.InvalidValue($"{path}.rows must have at least 1 row.");
            }

            totalRows += rows.Count;
            if (totalRows > 10)
            {
                return GraphError.InvalidValue(
                    "interactive.action.sections must have at most 10 rows for all sections combined.");
            }

            for (var r = 0; r < rows.Count; r++)
            {
                var rowPath = $"{path}.rows[{r}]";
                if (rows[r] is not JsonObject row)
                {
                    return GraphError.InvalidParameter($"{rowPath} must be an object.");
                }

                var error = RequiredText(row, "id", $"{rowPath}.id", 200)
                    ?? RequiredText(row, "title", $"{rowPath}.title", 24)
                    ?? OptionalText(row, "description", $"{rowPath}.description", 72);
                if (error is not null)
                {
                    return error;
                }

                if (!rowIds.Add(String(row, "id")!))
                {
                    return GraphError.InvalidValue($"{rowPath}.id must be unique across all rows.");
                }
            }
        }

        return null;
    }

    private static GraphError? CheckBodyHeaderFooter(JsonObject interactive, int bodyMax, bool textHeaderOnly)
    {
        if (interactive["body"] is not JsonObject body)
        {
            return GraphError.MissingParameter("interactive.body");
        }

        var error = RequiredText(body, "text", "interactive.body.text", bodyMax);
        if (error is not null)
        {
            return error;
        }

        if (interactive["footer"] is JsonObject footer)
        {
            error = RequiredText(footer, "text", "interactive.footer.text", 60);
            if (error is not null)
            {
                return error;
            }
        }

        if (interactive["header"] is not JsonObject header)
        {
            return null;
        }

        var headerType = String(header, "type");
        if (headerType is null)
        {
            return GraphError.MissingParameter("interactive.header.type");
        }

        if (headerType == "text")
        {
            return RequiredText(header, "text", "interactive.header.text", 60);
        }

        return !textHeaderOnly && headerType is "image" or "video" or "document"
            ? null
            : GraphError.InvalidParameter($"interactive.header.type '{headerType}' is not allowed here.");
    }

    private static GraphError? CheckTemplate(JsonObject message)
    {
        if (message["template"] is not JsonObject template)
        {
            return GraphError.MissingParameter("template");
        }

        if (string.IsNullOrEmpty(String(template, "name")))
        {
            return GraphError.MissingParameter("template.name");
        }

        if (template["language"] is not JsonObject language || string.IsNullOrEmpty(String(language, "code")))
        {
            return GraphError.MissingParameter("template.language.code");
        }

        var components = template["components"];
        if (components is null)
        {
            return null;
        }

        if (components is not JsonArray list)
        {
            return GraphError.InvalidParameter("template.components must be an array.");
        }

        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject component || string.IsNullOrEmpty(String(component, "type")))
            {
                return GraphError.MissingParameter($"template.components[{i}].type");
            }
        }

        return null;
    }

    private static GraphError? RequiredText(JsonObject parent, string name, string path, int max)
    {
        if (!parent.ContainsKey(name) || parent[name] is null)
        {
            return GraphError.MissingParameter(path);
        }

        return OptionalText(parent, name, path, max, min: 1);
    }

    private static GraphError? OptionalText(JsonObject parent, string name, string path, int max, int min = 0)
    {
        if (!parent.ContainsKey(name) || parent[name] is null)
        {
            return null;
        }

        var value = String(parent, name);
        if (value is null)
        {
            return GraphError.InvalidParameter($"{path} must be a string.");
        }

        return value.Length < min || value.Length > max
            ? GraphError.InvalidValue($"{path} must be {min} to {max} characters long (got {value.Length}).")
            : null;
    }

    /// <summary>The string value of a property, or null when absent or not a JSON string.</summary>
    internal static string? String(JsonObject parent, string name) =>
        parent[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
