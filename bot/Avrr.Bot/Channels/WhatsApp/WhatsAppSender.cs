using System.Text.Json.Nodes;
using Avrr.Bot.Activities;
using Avrr.Bot.Turns;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Channels.WhatsApp;

/// <summary>
/// Activities to Cloud API messages: up to 3 short choices as reply buttons, up to 10 as a list, with nothing lost when
/// a label must be shortened. Outside the 24-hour window it never sends free text: a re-engagement template goes
/// out once and the message waits for the person's answer.
/// </summary>
internal sealed class WhatsAppSender(WhatsAppClient client, OutboxStore store, IOptions<WhatsAppOptions> options, TimeProvider time) : IChannelSender
{
    public const string ChannelName = "whatsapp";
    private const int MaxBody = 1024;
    private const int MaxText = 4096;

    private readonly WhatsAppOptions _options = options.Value;
    private readonly Pacer _pacer = new(options.Value.MessagesPerSecond, TimeSpan.FromMilliseconds(options.Value.PerRecipientIntervalMilliseconds), time);

    public string Channel => ChannelName;

    public async Task<SendResult> SendAsync(OutboxItem item, CancellationToken ct)
    {
        var (lastInbound, templateSent) = await store.ContactAsync(item.ConversationId, ct);
        var now = time.GetUtcNow();
        try
        {
            if (RequestedTemplate(item.Activity) is { } requested)
            {
                // A counsellor sent the re-engagement template from the console: templates may go out at any time.
                await _pacer.WaitAsync(item.Address, ct);
                var sent = await client.PostAsync(Template(item.Address, requested.Name, requested.LanguageCode), ct);
                await store.TemplateSentAsync(item.ConversationId, ct);
                return new SendResult.Sent(sent?["messages"]?[0]?["id"]?.GetValue<string>());
            }

            if (lastInbound is null || now - lastInbound.Value > ContactWindow.Length)
            {
                return await HoldAsync(item, lastInbound, templateSent, ct);
            }

            await _pacer.WaitAsync(item.Address, ct);
            var response = await client.PostAsync(Build(item.Address, item.Activity), ct);
            return new SendResult.Sent(response?["messages"]?[0]?["id"]?.GetValue<string>());
        }
        catch (ChannelApiException error)
        {
            return Classify(error, time.GetUtcNow());
        }
    }

    private async Task<SendResult> HoldAsync(OutboxItem item, DateTimeOffset? lastInbound, DateTimeOffset? templateSent, CancellationToken ct)
    {
        var language = item.Activity.Locale ?? "en";
        var template = _options.Templates.GetValueOrDefault(language) ?? _options.Templates.GetValueOrDefault("default");
        if (template is null || string.IsNullOrWhiteSpace(template.Name))
        {
            return new SendResult.Held($"outside the 24-hour window; no re-engagement template configured for '{language}' (Channels:WhatsApp:Templates)");
        }

        if (templateSent is null || lastInbound is null || templateSent < lastInbound)
        {
            await _pacer.WaitAsync(item.Address, ct);
            await client.PostAsync(Template(item.Address, template.Name, template.LanguageCode), ct);
            await store.TemplateSentAsync(item.ConversationId, ct);
        }

        return new SendResult.Held("outside the 24-hour window: re-engagement template sent, waiting for the person to answer");
    }

    private static JsonObject Template(string to, string name, string languageCode) => new()
    {
        ["messaging_product"] = "whatsapp",
        ["recipient_type"] = "individual",
        ["to"] = to,
        ["type"] = "template",
        ["template"] = new JsonObject { ["name"] = name, ["language"] = new JsonObject { ["code"] = languageCode } },
    };

    /// <summary>The template a console action asked for (<c>channelData.avrr.template</c>), if this activity is one.</summary>
    private static WhatsAppTemplate? RequestedTemplate(Activity activity)
    {
        if (activity.ChannelData is not { ValueKind: System.Text.Json.JsonValueKind.Object } data
            || !data.TryGetProperty("avrr", out var avrr) || avrr.ValueKind != System.Text.Json.JsonValueKind.Object
            || !avrr.TryGetProperty("template", out var template) || template.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            return null;
        }

        return new WhatsAppTemplate
        {
            Name = template.TryGetProperty("name", out var name) ? name.GetString() ?? "" : "",
            LanguageCode = template.TryGetProperty("language", out var language) ? language.GetString() ?? "en" : "en",
        };
    }

    internal SendResult Classify(ChannelApiException error, DateTimeOffset now)
    {
        var reason = $"{error.Code}: {error.Description}";
        switch (error.Code)
        {
            case 130429:
                // The whole number is over its throughput: every recipient waits.
                var until = now + (error.RetryAfter ?? TimeSpan.FromSeconds(1));
                _pacer.PauseAll(until);
                return new SendResult.RetryAt(until, reason);
            case 131056:
                // Only this person's pair limit: the others keep flowing.
                return new SendResult.RetryAt(now + (error.RetryAfter ?? TimeSpan.FromSeconds(6)), reason);
            case 131047:
                return new SendResult.Held(reason);
            case 131048 or 4 or 80007 or 133016 or 131000 or 133004 or 131053 or 190:
                return error.RetryAfter is { } wait ? new SendResult.RetryAt(now + wait, reason) : new SendResult.Transient(reason);
            default:
                return error.HttpStatus >= 500 ? new SendResult.Transient(reason) : new SendResult.Permanent(reason);
        }
    }

    internal static JsonObject Build(string to, Activity activity)
    {
        var text = activity.Text ?? "";
        var choices = (activity.SuggestedActions?.Actions ?? []).Select((a, i) => (Title: a.Title ?? a.Text ?? "", Id: Id(a, i))).ToList();
        var message = new JsonObject { ["messaging_product"] = "whatsapp", ["recipient_type"] = "individual", ["to"] = to };
        if (choices.Count == 0 || choices.Count > 10 || text.Length > MaxBody)
        {
            // Plain text; choices, if any, as a numbered list the person answers by number or by typing the label.
            message["type"] = "text";
            var numbered = choices.Count == 0 ? text : text + "\n\n" + string.Join("\n", choices.Select((c, i) => $"{i + 1}. {c.Title}"));
            message["text"] = new JsonObject { ["preview_url"] = false, ["body"] = numbered.Length > MaxText ? numbered[..MaxText] : numbered };
            return message;
        }

        message["type"] = "interactive";
        if (choices.Count <= 3 && choices.All(c => c.Title.Length <= 20) && choices.Select(c => c.Title).Distinct(StringComparer.Ordinal).Count() == choices.Count)
        {
            message["interactive"] = new JsonObject
            {
                ["type"] = "button",
                ["body"] = new JsonObject { ["text"] = text },
                ["action"] = new JsonObject { ["buttons"] = new JsonArray([.. choices.Select(c => (JsonNode)new JsonObject { ["type"] = "reply", ["reply"] = new JsonObject { ["id"] = c.Id, ["title"] = c.Title } })]) },
            };
            return message;
        }

        // A list row's title holds 24 characters and its description 72: a longer label is shortened in the title and
        // given whole in the description; one longer still is also written out in full in the message body.
        var body = text;
        var rows = new JsonArray();
        for (var i = 0; i < choices.Count; i++)
        {
            var (title, id) = choices[i];
            var row = new JsonObject { ["id"] = id, ["title"] = title.Length <= 24 ? title : title[..23] + "…" };
            if (title.Length > 24)
            {
                row["description"] = title.Length <= 72 ? title : title[..71] + "…";
            }

            if (title.Length > 72)
            {
                body += $"\n{i + 1}. {title}";
            }

            rows.Add(row);
        }

        message["interactive"] = new JsonObject
        {
            ["type"] = "list",
            ["body"] = new JsonObject { ["text"] = body.Length > MaxBody ? body[..MaxBody] : body },
            ["action"] = new JsonObject
            {
                ["button"] = $"☰ 1–{choices.Count}",
                ["sections"] = new JsonArray(new JsonObject { ["rows"] = rows }),
            },
        };
        return message;
    }

    /// <summary>The choice's value as the reply id, or its number when the value is too long (the number is a valid answer too).</summary>
    private static string Id(CardAction action, int index)
    {
        var value = action.Value is { } payload && payload.TryGetProperty("choice", out var choice) ? choice.GetString() : null;
        return value is { Length: > 0 and <= 200 } ? value : "n:" + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
