using System.Net;
using System.Net.Http.Headers;
using Avrr.Bot.Knowledge;
using Avrr.Bot.Staff;
using Avrr.Bot.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Avrr.Bot.Tests.Privacy;

/// <summary>
/// Every endpoint the host maps, tried as anonymous, with a web chat token and as each staff role. The table below
/// must name each one: a new endpoint without an entry fails here until someone decides who may use it.
/// </summary>
public sealed class AuthorizationMatrixTests : IDisposable
{
    private enum Caller { Anonymous, WebChatToken, Admin, Supervisor, Counsellor }

    /// <summary>Who may use what. Platform webhooks and stream sockets take their own secrets, which none of the callers have.</summary>
    private static readonly Dictionary<string, Caller[]> Allowed = new(StringComparer.Ordinal)
    {
        ["* /healthz"] = All,
        ["* /readyz"] = All,
        ["GET,HEAD {**path:file}"] = All,
        ["POST /webchat/token"] = All,
        ["GET /webchat/config"] = All,
        ["POST /channels/telegram"] = [],
        ["GET /channels/whatsapp"] = [],
        ["POST /channels/whatsapp"] = [],
        ["POST /api/messages"] = [],
        ["POST /v3/directline/tokens/generate"] = [],
        ["POST /v3/directline/tokens/refresh"] = [Caller.WebChatToken],
        ["POST /v3/directline/conversations"] = [Caller.WebChatToken],
        ["GET /v3/directline/conversations/{conversationId}"] = [Caller.WebChatToken],
        ["GET /v3/directline/conversations/{conversationId}/activities"] = [Caller.WebChatToken],
        ["POST /v3/directline/conversations/{conversationId}/activities"] = [Caller.WebChatToken],
        ["POST /v3/directline/conversations/{conversationId}/upload"] = [Caller.WebChatToken],
        ["GET /v3/directline/conversations/{conversationId}/stream"] = [],
        ["GET /v3/directline/session/getsessionid"] = All,
        ["* admin/login"] = All,
        ["* admin/denied"] = All,
        ["* admin"] = [Caller.Admin],
        ["* audit"] = [Caller.Admin, Caller.Supervisor],
        ["* admin/channels"] = [Caller.Admin],
        ["* admin/diff"] = [Caller.Admin],
        ["* admin/drafts/{id:long}"] = [Caller.Admin],
        ["* admin/drafts/{id:long}/preview"] = [Caller.Admin],
        ["* admin/drafts/{id:long}/translations/{language}"] = [Caller.Admin],
        ["* admin/privacy"] = [Caller.Admin],
        ["* admin/questions"] = [Caller.Admin],
        ["* admin/staff"] = [Caller.Admin],
        ["* staff/account"] = [Caller.Admin, Caller.Supervisor, Caller.Counsellor],
        ["GET /admin/versions/{id:long}/export"] = [Caller.Admin],
        ["POST /admin/drafts/{id:long}/preview"] = [Caller.Admin],
        // Without the password step first, everyone is sent back to sign in.
        ["* admin/login/two-factor"] = [],
        ["* staff/two-factor"] = [Caller.Admin, Caller.Supervisor, Caller.Counsellor],
        // Case content: counsellors and supervisors; administrators only with Console:AdminsReadCases (off here).
        ["* console"] = CaseReaders,
        ["* console/cases/{reference}"] = CaseReaders,
        ["* console/supervisor"] = [Caller.Supervisor],
        ["* /console/hub"] = CaseReaders,
        ["* /console/hub/negotiate"] = CaseReaders,
        ["GET /api/{documentName}/openapi.json"] = CaseReaders,
        ["GET /api/console/me"] = CaseReaders,
        ["PUT /api/console/me"] = CaseReaders,
        ["PUT /api/console/me/presence"] = CaseReaders,
        ["GET /api/console/queue"] = CaseReaders,
        ["GET /api/console/colleagues"] = CaseReaders,
        ["GET /api/console/supervisor"] = [Caller.Supervisor],
        ["GET /api/console/cases/{reference}"] = CaseReaders,
        ["GET /api/console/cases/{reference}/transcript"] = CaseReaders,
        ["GET /api/console/cases/{reference}/export"] = CaseReaders,
        ["POST /api/console/cases/{reference}/claim"] = CaseReaders,
        ["POST /api/console/cases/{reference}/messages"] = CaseReaders,
        ["POST /api/console/cases/{reference}/template"] = CaseReaders,
        ["POST /api/console/cases/{reference}/notes"] = CaseReaders,
        ["POST /api/console/cases/{reference}/transfer"] = CaseReaders,
        ["POST /api/console/cases/{reference}/release"] = CaseReaders,
        ["POST /api/console/cases/{reference}/handback"] = CaseReaders,
        ["POST /api/console/cases/{reference}/close"] = CaseReaders,
    };

    private static Caller[] CaseReaders => [Caller.Supervisor, Caller.Counsellor];

    private static Caller[] All => Enum.GetValues<Caller>();

    private readonly BotFactory _bot = new BotFactory()
        .With("Channels:Telegram:Token", "1:matrix")
        .With("Channels:Telegram:ApiBaseUrl", "http://127.0.0.1:9")
        .With("Channels:Telegram:Mode", "Webhook")
        .With("Channels:Telegram:PublicUrl", "https://bot.example.org")
        .With("Channels:Telegram:WebhookSecret", "matrix-secret")
        .With("Channels:WhatsApp:AccessToken", "matrix-token")
        .With("Channels:WhatsApp:PhoneNumberId", "1")
        .With("Channels:WhatsApp:AppSecret", "matrix-app-secret")
        .With("Channels:WhatsApp:VerifyToken", "matrix-verify")
        .With("Channels:WhatsApp:GraphApiBaseUrl", "http://127.0.0.1:9")
        .With("Channels:BotService:AppId", "matrix-app")
        .With("Channels:BotService:AppPassword", "matrix-secret")
        .With("Channels:BotService:OpenIdMetadataUrl", "http://127.0.0.1:9/v1/.well-known/openidconfiguration")
        .With("Channels:BotService:LoginUrl", "http://127.0.0.1:9");

    public void Dispose() => _bot.Dispose();

    [Fact]
    public async Task Every_endpoint_answers_each_caller_as_the_table_says()
    {
        _bot.CreateClient().Dispose();
        var endpoints = Endpoints();
        Assert.Empty(endpoints.Keys.Except(Allowed.Keys));
        Assert.Empty(Allowed.Keys.Except(endpoints.Keys));

        var draft = await _bot.Services.GetRequiredService<KnowledgeStore>().CreateDraftAsync("matrix", "admin@example.org", default);
        var version = (await _bot.Services.GetRequiredService<KnowledgeStore>().VersionsAsync(default))[0].Id;
        var clients = new Dictionary<Caller, HttpClient> { [Caller.Anonymous] = NewClient() };
        using var tokenHttp = NewClient();
        var webChat = await DirectLineClient.StartAsync(tokenHttp);
        clients[Caller.WebChatToken] = NewClient();
        clients[Caller.WebChatToken].DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", webChat.Token);
        foreach (var (caller, role) in new[] { (Caller.Admin, StaffRoles.Admin), (Caller.Supervisor, StaffRoles.Supervisor), (Caller.Counsellor, StaffRoles.Counsellor) })
        {
            var email = role.ToLowerInvariant() + "@example.org";
            await StaffAccounts.AddAsync(_bot.Services, email, role);
            clients[caller] = NewClient();
            Assert.Equal(HttpStatusCode.Redirect, (await Admin.StaffSignInTests.SignInAsync(clients[caller], email, StaffAccounts.Password)).StatusCode);
        }

        // A waiting case that every case reader may open (the web chat person asked for a counsellor).
        (await webChat.PostActivityAsync("counsellor")).EnsureSuccessStatusCode();
        var reference = await Counsellors.OpenCaseAsync(_bot.Services, webChat.ConversationId!);

        var failures = new List<string>();
        foreach (var (key, pattern) in endpoints)
        {
            var verb = key.Split(' ')[0].Split(',')[0];
            var method = verb == "*" ? HttpMethod.Get : new HttpMethod(verb);
            var path = "/" + pattern.TrimStart('/')
                .Replace("{conversationId}", webChat.ConversationId, StringComparison.Ordinal)
                .Replace("{id:long}/preview", $"{draft}/preview", StringComparison.Ordinal)
                .Replace("{id:long}/translations", $"{draft}/translations", StringComparison.Ordinal)
                .Replace("versions/{id:long}", $"versions/{version}", StringComparison.Ordinal)
                .Replace("{id:long}", draft.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{language}", "fr", StringComparison.Ordinal)
                .Replace("{reference}", reference, StringComparison.Ordinal)
                .Replace("{documentName}", "console", StringComparison.Ordinal)
                .Replace("{**path:file}", "app.css", StringComparison.Ordinal)
                + (pattern == "admin/diff" ? $"?from={version}&to={version}" : "");
            foreach (var caller in All)
            {
                using var request = new HttpRequestMessage(method, path);
                if (method == HttpMethod.Post || method == HttpMethod.Put)
                {
                    request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                }

                var response = await clients[caller].SendAsync(request);
                // The stream is opened only with a single-use stream token in its URL, as a WebSocket: a plain request
                // from any caller is refused before anything else (the token checks are in the protocol tests).
                var refused = Refused(response) || pattern.EndsWith("/stream", StringComparison.Ordinal) && response.StatusCode == HttpStatusCode.BadRequest;
                if (refused == Allowed[key].Contains(caller))
                {
                    failures.Add($"{key} as {caller}: {(int)response.StatusCode} {response.Headers.Location}");
                }
            }
        }

        foreach (var client in clients.Values)
        {
            client.Dispose();
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Not reached: asked to sign in or refused, or the same 404 an unknown resource gets.</summary>
    private static bool Refused(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound
        || response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString is { } location
           && (location.Contains("/admin/login", StringComparison.Ordinal) || location.Contains("/admin/denied", StringComparison.Ordinal));

    /// <summary>Route endpoints by "METHODS pattern"; static files from wwwroot are public and left out.</summary>
    private Dictionary<string, string> Endpoints() =>
        _bot.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => !string.IsNullOrEmpty(e.DisplayName))
            .GroupBy(e => $"{string.Join(",", e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])} {e.RoutePattern.RawText}")
            .ToDictionary(g => g.Key, g => g.First().RoutePattern.RawText!, StringComparer.Ordinal);

    private HttpClient NewClient() => _bot.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
}
