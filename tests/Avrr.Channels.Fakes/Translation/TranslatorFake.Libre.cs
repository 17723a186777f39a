using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Avrr.Channels.Fakes.Translation;

/// <summary>LibreTranslate (the LibreTranslate API documentation): translate, detect, languages, frontend settings, its errors and limits.</summary>
public sealed partial class TranslatorFake
{
    private async Task LibreTranslateAsync(HttpContext context)
    {
        var (body, request) = await RecordAsync(context, "libre");
        var json = JsonNode.Parse(body) as JsonObject ?? [];
        if (json["api_key"]?.GetValue<string>() != _key)
        {
            await LibreErrorAsync(context, request, 403, "Invalid API key");
            return;
        }

        if (await FaultAsync(context, request, azure: false))
        {
            return;
        }

        var q = json["q"];
        var source = json["source"]?.GetValue<string>();
        var target = json["target"]?.GetValue<string>();
        if (q is null || source is null || target is null)
        {
            await LibreErrorAsync(context, request, 400, q is null ? "Invalid request: missing q parameter" : source is null ? "Invalid request: missing source parameter" : "Invalid request: missing target parameter");
            return;
        }

        foreach (var language in new[] { source, target }.Where(l => l != "auto"))
        {
            if (!Supports(language))
            {
                await LibreErrorAsync(context, request, 400, $"{language} is not supported");
                return;
            }
        }

        var batch = q is JsonArray array ? array.Select(e => e!.GetValue<string>()).ToList() : [q.GetValue<string>()];
        var characters = batch.Sum(t => t.Length);
        if (LibreCharLimit >= 0 && characters > LibreCharLimit)
        {
            await LibreErrorAsync(context, request, 400, $"Invalid request: request ({characters}) exceeds text limit ({LibreCharLimit})");
            return;
        }

        var translated = batch.Select(t => Translate(source == "auto" ? Detect(t) : source, target, t)).ToList();
        JsonNode text = q is JsonArray ? new JsonArray(translated.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()) : JsonValue.Create(translated[0]);
        await RespondAsync(context, request, 200, new JsonObject { ["translatedText"] = text }.ToJsonString());
    }
    private async Task LibreDetectAsync(HttpContext context)
    {
        var (body, request) = await RecordAsync(context, "libre");
        var json = JsonNode.Parse(body) as JsonObject ?? [];
        if (json["api_key"]?.GetValue<string>() != _key)
        {
            await LibreErrorAsync(context, request, 403, "Invalid API key");
            return;
        }

        var text = json["q"]?.GetValue<string>() ?? "";
        await RespondAsync(context, request, 200, new JsonArray(new JsonObject { ["confidence"] = 90, ["language"] = Detect(text) }).ToJsonString());
    }
    private async Task LibreLanguagesAsync(HttpContext context)
    {
        var (_, request) = await RecordAsync(context, "libre");
        List<string> languages;
        lock (_gate)
        {
            languages = [.. _languages.Order(StringComparer.Ordinal)];
        }

        var answer = new JsonArray(languages.Select(l => (JsonNode)new JsonObject
        {
            ["code"] = l,
            ["name"] = l,
            ["targets"] = new JsonArray(languages.Where(t => t != l).Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
        }).ToArray());
        await RespondAsync(context, request, 200, answer.ToJsonString());
    }
    private async Task LibreSettingsAsync(HttpContext context)
    {
        var (_, request) = await RecordAsync(context, "libre");
        await RespondAsync(context, request, 200, new JsonObject { ["charLimit"] = LibreCharLimit, ["keyRequired"] = true }.ToJsonString());
    }
    private Task LibreErrorAsync(HttpContext context, TranslatorRequest request, int status, string message) =>
        RespondAsync(context, request, status, JsonSerializer.Serialize(new { error = message }));
}
