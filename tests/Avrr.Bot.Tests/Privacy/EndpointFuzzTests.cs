using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Avrr.Bot.Tests.Infrastructure;
using FsCheck.Fluent;
using Microsoft.AspNetCore.Mvc.Testing;
using Webhook = Avrr.Channels.Fakes.WhatsApp.WhatsAppWebhook;

namespace Avrr.Bot.Tests.Privacy;

/// <summary>
/// Thousands of malformed bodies, past each endpoint's authentication (valid secrets, signatures and tokens, so the
/// parsers are reached): no answer is ever a 5xx. A 500 to a platform means endless redelivery; to Web Chat, a stall.
/// </summary>
public sealed partial class EndpointFuzzTests : IDisposable
{
    private const string TelegramSecret = "fuzz-secret";
    private const string AppSecret = "fuzz-app-secret";

    private readonly BotFactory _bot = new BotFactory()
        .With("Channels:Telegram:Token", "1:fuzz")
        .With("Channels:Telegram:ApiBaseUrl", "http://127.0.0.1:9")
        .With("Channels:Telegram:Mode", "Webhook")
        .With("Channels:Telegram:PublicUrl", "https://bot.example.org")
        .With("Channels:Telegram:WebhookSecret", TelegramSecret)
        .With("Channels:WhatsApp:AccessToken", "fuzz-token")
        .With("Channels:WhatsApp:PhoneNumberId", "1")
        .With("Channels:WhatsApp:AppSecret", AppSecret)
        .With("Channels:WhatsApp:VerifyToken", "fuzz-verify")
        .With("Channels:WhatsApp:GraphApiBaseUrl", "http://127.0.0.1:9")
        // The limits would answer 429 before the parsers see most bodies; they are tested on their own.
        .With("Channels:DirectLine:PostsPerMinutePerConversation", "1000000")
        .With("Channels:DirectLine:PostsPerMinutePerClient", "1000000")
        .With("WebChat:TokensPerMinutePerClient", "1000000")
        .With("Staff:SignInAttemptsPerMinute", "1000000");

    public void Dispose() => _bot.Dispose();

    /// <summary>Pieces of JSON, joined at random: mostly broken documents, sometimes valid ones of the wrong shape.</summary>
    private static readonly string[] Fragments =
    [
        "{", "}", "[", "]", ":", ",", "null", "true", "1e400", "-1", "0", "9223372036854775808", "\"\"", "\"\\u0000\"", "\"\\ud800\"",
        "\"type\"", "\"message\"", "\"text\"", "\"id\"", "\"chat\"", "\"private\"", "\"update_id\"", "\"message_id\"", "\"callback_query\"",
        "\"data\"", "\"my_chat_member\"", "\"kicked\"", "\"entry\"", "\"changes\"", "\"value\"", "\"messages\"", "\"statuses\"",
        "\"metadata\"", "\"phone_number_id\"", "\"1\"", "\"from\"", "\"interactive\"", "\"button_reply\"", "\"timestamp\"",
        "\"channelData\"", "\"clientActivityID\"", "\"user\"", "ü", "مرحبا", "😀", " ",
    ];

    /// <summary>Every kind of JSON value, for fields whose type a parser might take for granted.</summary>
    private static readonly string[] Values = ["null", "true", "1", "-7", "1.5", "\"x\"", "\"\"", "{}", "[]", "[1,\"a\"]", "{\"id\":{}}", "\"12345678901234567890\""];

    private static string[] Broken(int count) =>
        Gen.ListOf(Gen.Elements(Fragments)).Select(parts => string.Concat(parts)).Sample(count, 30).ToArray();

    /// <summary>Valid JSON in the shape of each platform's updates, with any kind of value in each field.</summary>
    private static IEnumerable<string> Shaped(string template, int count)
    {
        var holes = template.Count(c => c == '@');
        return Gen.ArrayOf(Gen.Elements(Values), holes).Sample(count, 1).Select(values =>
        {
            var i = 0;
            return Hole().Replace(template, _ => values[i++]);
        });
    }

    [GeneratedRegex("@")]
    private static partial Regex Hole();

    [Fact]
    public async Task Every_public_endpoint_answers_malformed_input_with_a_4xx_at_worst()
    {
        using var http = _bot.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var webChat = await DirectLineClient.StartAsync(http);
        var failures = new List<string>();
        var sent = 0;

        async Task SendAsync(HttpRequestMessage request, string label)
        {
            using (request)
            {
                sent++;
                try
                {
                    var status = (int)(await http.SendAsync(request)).StatusCode;
                    if (status >= 500)
                    {
                        failures.Add($"{status} {label}");
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The test server hands an unhandled exception to the client: in production it would be a 500.
                    failures.Add($"{ex.GetType().Name} ({ex.Message}) {label}");
                }
            }
        }

        HttpRequestMessage Json(HttpMethod method, string path, string body, string? bearer = null)
        {
            var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (bearer is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }

            return request;
        }

        foreach (var body in Broken(400).Concat(Shaped("""{"type":@,"text":@,"value":@,"locale":@,"channelData":@,"from":@,"name":@}""", 300)))
        {
            await SendAsync(Json(HttpMethod.Post, $"/v3/directline/conversations/{webChat.ConversationId}/activities", body, webChat.Token), "activity " + body);
        }

        foreach (var body in Broken(150).Concat(Shaped("""{"user":@,"trustedOrigins":@}""", 50)))
        {
            await SendAsync(Json(HttpMethod.Post, "/v3/directline/tokens/generate", body, BotFactory.DirectLineSecret), "generate " + body);
            await SendAsync(Json(HttpMethod.Post, "/v3/directline/tokens/refresh", body, webChat.Token), "refresh " + body);
            await SendAsync(Json(HttpMethod.Post, "/v3/directline/conversations", body, webChat.Token), "start " + body);
        }

        var telegramShapes = new[]
        {
            """{"update_id":@,"message":{"message_id":@,"chat":{"id":@,"type":@},"from":@,"text":@}}""",
            """{"update_id":@,"callback_query":{"id":@,"data":@,"from":@,"message":{"message_id":@,"chat":{"id":@},"reply_markup":@}}}""",
            """{"update_id":@,"my_chat_member":{"chat":{"id":@},"new_chat_member":{"status":@}}}""",
            """{"update_id":1,"message":@}""",
        };
        foreach (var body in Broken(300).Concat(telegramShapes.SelectMany(shape => Shaped(shape, 150))))
        {
            var request = Json(HttpMethod.Post, "/channels/telegram", body);
            request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", TelegramSecret);
            await SendAsync(request, "telegram " + body);
        }

        var whatsAppShapes = new[]
        {
            """{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"1"},"messages":[{"from":@,"id":@,"timestamp":@,"type":@,"text":{"body":@}}]}}]}]}""",
            """{"entry":[{"changes":[{"value":{"metadata":{"phone_number_id":"1"},"messages":[{"from":"4912","id":"w1","type":"interactive","interactive":{"button_reply":@,"list_reply":@}}]}}]}]}""",
            """{"entry":[{"changes":[{"value":{"metadata":{"phone_number_id":"1"},"statuses":[{"id":@,"status":@,"errors":@}]}}]}]}""",
            """{"entry":@}""",
            """{"entry":[{"changes":@}]}""",
        };
        foreach (var body in Broken(300).Concat(whatsAppShapes.SelectMany(shape => Shaped(shape, 150))))
        {
            var request = Json(HttpMethod.Post, "/channels/whatsapp", body);
            request.Headers.Add(Webhook.SignatureHeader, Webhook.Sign(body, AppSecret));
            await SendAsync(request, "whatsapp " + body);
        }

        foreach (var query in Gen.Elements("hub.mode=subscribe", "hub.challenge=%00", "hub.verify_token=fuzz-verify", "hub.mode=", "x=1", "hub.challenge=" + new string('9', 5000)).ListOf().Sample(100, 4))
        {
            await SendAsync(new HttpRequestMessage(HttpMethod.Get, "/channels/whatsapp?" + string.Join("&", query)), "verify " + string.Join("&", query));
            await SendAsync(new HttpRequestMessage(HttpMethod.Get, "/webchat/config?lang=" + Uri.EscapeDataString(string.Concat(query))), "config");
            await SendAsync(new HttpRequestMessage(HttpMethod.Post, "/webchat/token?" + string.Join("&", query)), "token");
        }

        var loginPage = await http.GetStringAsync(new Uri("/admin/login", UriKind.Relative));
        var antiforgery = AntiforgeryField().Match(loginPage).Groups[1].Value;
        foreach (var (email, password) in Gen.Elements(Fragments).Zip(Gen.Elements(Fragments)).Sample(200, 1))
        {
            var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["Email"] = email, ["Password"] = password, ["__RequestVerificationToken"] = antiforgery, ["ReturnUrl"] = password });
            await SendAsync(new HttpRequestMessage(HttpMethod.Post, "/admin/login") { Content = form }, $"login {email} {password}");
        }

        Assert.True(sent >= 3000, $"only {sent} requests");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
