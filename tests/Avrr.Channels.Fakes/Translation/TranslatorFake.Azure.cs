using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Avrr.Channels.Fakes.Translation;

/// <summary>Azure AI Translator v3 (the Azure AI Translator v3 reference): translate, detect, languages, its errors and limits.</summary>
public sealed partial class TranslatorFake
{
    private async Task AzureTranslateAsync(HttpContext context)
    {
        var (body, request) = await RecordAsync(context, "azure");
        if (await AzureRejectsAsync(context, request) || await FaultAsync(context, request, azure: true))
        {
            return;
        }

        var query = context.Request.Query;
        var targets = query["to"].Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToList();
        var from = query["from"].ToString();
        if (targets.Count == 0)
        {
            await AzureErrorAsync(context, request, 400036, "The target language is not valid.");
            return;
        }

        if (targets.FirstOrDefault(t => !Supports(t)) is { } badTarget)
        {
            await AzureErrorAsync(context, request, 400036, $"The target language is not valid: {badTarget}.");
            return;
        }

        if (from.Length > 0 && !Supports(from))
        {
            await AzureErrorAsync(context, request, 400035, "The source language is not valid.");
            return;
        }

        if (JsonNode.Parse(body) is not JsonArray elements || elements.Any(e => e?["Text"] is null))
        {
            await AzureErrorAsync(context, request, 400000, "One of the request inputs is not valid.");
            return;
        }

        if (elements.Count > AzureMaxElements)
        {
            await AzureErrorAsync(context, request, 400072, "The number of elements in the input array exceeds the maximum allowed.");
            return;
        }

        var texts = elements.Select(e => e!["Text"]!.GetValue<string>()).ToList();
        if (texts.Any(t => t.Length > AzureMaxCharacters))
        {
            await AzureErrorAsync(context, request, 400050, "The input text is too long.");
            return;
        }

        if (texts.Sum(t => t.Length) * targets.Count > AzureMaxCharacters)
        {
            await AzureErrorAsync(context, request, 400077, "The maximum request size has been exceeded.");
            return;
        }

        var answer = new JsonArray(texts.Select(text =>
        {
            var item = new JsonObject();
            var source = from.Length > 0 ? from : Detect(text);
            if (from.Length == 0)
            {
                item["detectedLanguage"] = new JsonObject { ["language"] = source, ["score"] = 1.0 };
            }

            item["translations"] = new JsonArray(targets.Select(to => (JsonNode)new JsonObject { ["text"] = Translate(source, to, text), ["to"] = to }).ToArray());
            return (JsonNode)item;
        }).ToArray());
        await RespondAsync(context, request, 200, answer.ToJsonString());
    }
    private async Task AzureDetectAsync(HttpContext context)
    {
        var (body, request) = await RecordAsync(context, "azure");
        if (await AzureRejectsAsync(context, request) || await FaultAsync(context, request, azure: true))
        {
            return;
        }

        var texts = (JsonNode.Parse(body) as JsonArray ?? []).Select(e => e?["Text"]?.GetValue<string>() ?? "").ToList();
        var answer = new JsonArray(texts.Select(t => (JsonNode)new JsonObject { ["language"] = Detect(t), ["score"] = 1.0, ["isTranslationSupported"] = true, ["isTransliterationSupported"] = false }).ToArray());
        await RespondAsync(context, request, 200, answer.ToJsonString());
    }
    private async Task AzureLanguagesAsync(HttpContext context)
    {
        // No key needed for this one, as on Azure.
        var (_, request) = await RecordAsync(context, "azure");
        var translation = new JsonObject();
        lock (_gate)
        {
            foreach (var language in _languages.Order(StringComparer.Ordinal))
            {
                translation[language] = new JsonObject { ["name"] = language, ["nativeName"] = language, ["dir"] = language is "ar" or "fa" or "ps" or "ur" or "ckb" or "prs" ? "rtl" : "ltr" };
            }
        }

        await RespondAsync(context, request, 200, new JsonObject { ["translation"] = translation }.ToJsonString());
    }
    private async Task<bool> AzureRejectsAsync(HttpContext context, TranslatorRequest request)
    {
        if (context.Request.Query["api-version"] != "3.0")
        {
            await AzureErrorAsync(context, request, 400021, "The API version parameter is missing or invalid.");
            return true;
        }

        if (context.Request.Headers["Ocp-Apim-Subscription-Key"] != _key || (_region is not null && context.Request.Headers["Ocp-Apim-Subscription-Region"] != _region))
        {
            await AzureErrorAsync(context, request, 401000, "The request is not authorized because credentials are missing or invalid.");
            return true;
        }

        if (!context.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) ?? true)
        {
            await AzureErrorAsync(context, request, 415000, "The Content-Type header is missing or invalid.");
            return true;
        }

        return false;
    }
    private Task AzureErrorAsync(HttpContext context, TranslatorRequest request, int code, string message, int? status = null) =>
        RespondAsync(context, request, status ?? code / 1000, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }.ToJsonString());
}
