using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Avrr.Bot.Persistence;
using Avrr.Bot.Tests.Infrastructure;
using Avrr.Channels.Fakes.BotService;
using Avrr.Knowledge;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Avrr.Bot.Tests.Channels;

/// <summary>
/// <c>/api/messages</c> against a fake Azure Bot Service on 127.0.0.1: the Connector's token checks, the bot's own
/// token, replies in order through the outbox with the Connector's 429, 5xx and 401, and the agent-hub hand-off.
/// </summary>
public sealed class BotServiceChannelTests : IAsyncLifetime
{
    private const string AppId = "00000000-0000-0000-0000-00000000b07a";
    private const string Secret = "test-client-secret~0123456789";
    private BotConnectorFake _connector = null!;
    private BotFactory _bot = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _connector = await BotConnectorFake.StartAsync(AppId, Secret);
        _bot = Configure(new BotFactory(), _connector).With("Channels:BotService:AppPassword", Secret);
        _http = _bot.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        _bot.Dispose();
        await _connector.DisposeAsync();
    }

    private static BotFactory Configure(BotFactory bot, BotConnectorFake connector) => bot
        .With("Channels:BotService:AppId", AppId)
        .With("Channels:BotService:TenantId", "tenant-1")
        .With("Channels:BotService:OpenIdMetadataUrl", connector.MetadataUrl)
        .With("Channels:BotService:LoginUrl", connector.LoginUrl);

    private IKnowledgeSnapshot K => _bot.Services.GetRequiredService<IKnowledgeSource>().Current;

    private Task<HttpResponseMessage> SaysAsync(string conversation, string text, string? id = null) =>
        _connector.DeliverAsync(_http, BotConnectorFake.Message(conversation, "29:person-" + conversation, text, id));

    private async Task<int> InboxCountAsync()
    {
        await using var db = await _bot.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
        return await db.Inbox.CountAsync();
    }

    [Fact]
    public async Task A_valid_token_gets_200_and_the_replies_reach_the_connector_in_order_addressed_back_to_the_person()
    {
        var response = await SaysAsync("a:conv-1", "hello");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = await _connector.WaitForSentAsync("a:conv-1", 1, TimeSpan.FromSeconds(20));
        var reply = sent[^1].Json;
        Assert.Contains(K.Said("lang.prompt", "en"), reply["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("message", reply["type"]!.GetValue<string>());
        Assert.Equal("28:bot", reply["from"]!["id"]!.GetValue<string>());
        Assert.Equal("29:person-a:conv-1", reply["recipient"]!["id"]!.GetValue<string>());
        Assert.Equal("tenant-1", reply["conversation"]!["tenantId"]!.GetValue<string>());
        var actions = reply["suggestedActions"]!["actions"]!.AsArray();
        Assert.NotEmpty(actions);
        Assert.All(actions, a => Assert.Equal("imBack", a!["type"]!.GetValue<string>()));

        // A suggested action comes back as the person's text; the conversation goes on in their language.
        await SaysAsync("a:conv-1", "English");
        await SaysAsync("a:conv-1", "yes");
        var all = await _connector.WaitForSentAsync("a:conv-1", 3, TimeSpan.FromSeconds(20));
        var texts = all.Select(s => s.Text ?? "").ToList();
        Assert.True(texts.FindIndex(t => t.Contains(K.Said("consent.short", "en"), StringComparison.Ordinal)) is var consent && consent >= 0, string.Join(" | ", texts));
        Assert.True(texts.FindLastIndex(t => t.Contains(K.Said("menu.prompt", "en"), StringComparison.Ordinal)) > consent, string.Join(" | ", texts));
        Assert.Equal(1, _connector.TokenRequests);
    }

    public static TheoryData<string> BadTokens => ["expired", "wrong audience", "wrong issuer", "unsigned", "another key", "no token", "not bearer"];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_bad_token_is_refused_with_401_and_nothing_is_stored(string kind)
    {
        using var other = RSA.Create(2048);
        var activity = BotConnectorFake.Message("a:conv-bad", "29:p", "hello");
        activity["serviceUrl"] = _connector.ServiceUrl;
        var token = kind switch
        {
            // Beyond the 5 minutes of allowed clock skew.
            "expired" => _connector.Token(expiresIn: TimeSpan.FromMinutes(-6)),
            "wrong audience" => _connector.Token(audience: "another-bot"),
            "wrong issuer" => _connector.Token(issuer: "https://sts.windows.net/f8cdef31-a31e-4b4a-93e4-5f571e91255a/"),
            "unsigned" => _connector.Token(withSignature: false),
            "another key" => _connector.Token(otherKey: other),
            _ => null,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/messages", UriKind.Relative)) { Content = new StringContent(activity.ToJsonString(), System.Text.Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        }
        else if (kind == "not bearer")
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Basic " + _connector.Token());
        }

        var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await InboxCountAsync());
    }

    [Fact]
    public async Task A_token_for_another_service_url_is_refused_so_replies_cannot_be_sent_elsewhere()
    {
        var activity = BotConnectorFake.Message("a:conv-2", "29:p", "hello", serviceUrl: "https://attacker.example/teams/");

        var response = await _connector.DeliverAsync(_http, activity, _connector.Token(serviceUrl: _connector.ServiceUrl));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await InboxCountAsync());
    }

    [Fact]
    public async Task A_key_not_endorsed_for_the_channel_is_refused_with_403()
    {
        var response = await _connector.DeliverAsync(_http, BotConnectorFake.Message("a:conv-3", "29:p", "hello", channelId: "skype"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, await InboxCountAsync());
    }

    [Fact]
    public async Task A_redelivered_activity_runs_one_turn_and_group_chats_and_invokes_get_no_turn()
    {
        Assert.Equal(HttpStatusCode.OK, (await SaysAsync("a:conv-4", "hello", id: "same-id")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SaysAsync("a:conv-4", "hello", id: "same-id")).StatusCode);
        var group = BotConnectorFake.Message("19:group@thread.v2", "29:p", "hello");
        group["conversation"]!["isGroup"] = true;
        Assert.Equal(HttpStatusCode.OK, (await _connector.DeliverAsync(_http, group)).StatusCode);
        var invoke = BotConnectorFake.Message("a:conv-4", "29:person-a:conv-4", "");
        invoke["type"] = "invoke";
        Assert.Equal(HttpStatusCode.NotImplemented, (await _connector.DeliverAsync(_http, invoke)).StatusCode);

        var sent = await _connector.WaitForSentAsync("a:conv-4", 1, TimeSpan.FromSeconds(20));
        await Task.Delay(500);
        Assert.Single(_connector.Sent, s => s.ConversationId == "a:conv-4");
        Assert.DoesNotContain(_connector.Requests, r => r.ConversationId.StartsWith("19:", StringComparison.Ordinal));
        Assert.Equal(1, await InboxCountAsync());
        _ = sent;
    }

    [Fact]
    public async Task Installing_the_app_greets_the_person_once_and_a_reinstall_does_not_start_again()
    {
        JsonObject Installed()
        {
            var update = BotConnectorFake.Message("a:install", "29:p", "");
            update["type"] = "conversationUpdate";
            update.Remove("text");
            update["membersAdded"] = new JsonArray(new JsonObject { ["id"] = "28:bot" });
            return update;
        }

        Assert.Equal(HttpStatusCode.OK, (await _connector.DeliverAsync(_http, Installed())).StatusCode);
        var greeting = await _connector.WaitForSentAsync("a:install", 1, TimeSpan.FromSeconds(20));
        Assert.Contains(K.Said("lang.prompt", "en"), greeting[0].Text, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await _connector.DeliverAsync(_http, Installed())).StatusCode);
        var joined = Installed();
        joined["membersAdded"] = new JsonArray(new JsonObject { ["id"] = "29:someone-else" });
        Assert.Equal(HttpStatusCode.OK, (await _connector.DeliverAsync(_http, joined)).StatusCode);
        await SaysAsync("a:install", "English");
        var sent = await _connector.WaitForSentAsync("a:install", 2, TimeSpan.FromSeconds(20));
        Assert.Contains(K.Said("consent.short", "en"), sent[1].Text, StringComparison.Ordinal);
        Assert.Equal(2, _connector.Sent.Count(s => s.ConversationId == "a:install"));
    }

    [Fact]
    public async Task The_connectors_429_and_5xx_are_retried_by_the_outbox_and_a_401_renews_the_token_with_order_kept()
    {
        _connector.FailNext(429, "TooManyRequests", retryAfterSeconds: 1);
        _connector.FailNext(503, "ServiceError");
        await SaysAsync("a:conv-5", "hello");
        var first = await _connector.WaitForSentAsync("a:conv-5", 1, TimeSpan.FromSeconds(30));

        _connector.RevokeTokens();
        await SaysAsync("a:conv-5", "English");
        var second = await _connector.WaitForSentAsync("a:conv-5", 2, TimeSpan.FromSeconds(30));

        var statuses = _connector.Requests.Where(r => r.ConversationId == "a:conv-5").Select(r => r.Status).ToList();
        Assert.Equal([429, 503, 201, 401, 201], statuses.Take(5));
        Assert.Contains(K.Said("lang.prompt", "en"), first[0].Text, StringComparison.Ordinal);
        Assert.Contains(K.Said("consent.short", "en"), second[1].Text, StringComparison.Ordinal);
        Assert.Equal(2, _connector.TokenRequests);
    }

    [Fact]
    public async Task A_burst_of_replies_over_the_teams_rate_limit_arrives_complete_and_in_order()
    {
        await SaysAsync("a:conv-6", "hello");
        await _connector.WaitForSentAsync("a:conv-6", 1, TimeSpan.FromSeconds(20));
        var conversationId = await Stored.WaitForConversationAsync(_bot.Services, "botservice", "msteams\na:conv-6");
        var reference = await OpenCaseAsync("a:conv-6", conversationId);
        var amira = await Counsellors.AddAsync(_bot.Services, "amira@example.org");
        await Counsellors.ClaimAsync(_bot.Services, reference, amira);
        var before = _connector.Sent.Count(s => s.ConversationId == "a:conv-6");

        for (var i = 1; i <= 12; i++)
        {
            Assert.IsType<Avrr.Bot.Console.CaseActionResult.Done>(await Counsellors.SendAsync(_bot.Services, reference, amira, $"note {i}"));
        }

        var sent = await _connector.WaitForSentAsync("a:conv-6", before + 12, TimeSpan.FromSeconds(40));
        Assert.Equal(Enumerable.Range(1, 12).Select(i => $"note {i}"), sent.Skip(before).Select(s => s.Text).Where(t => t!.StartsWith("note ", StringComparison.Ordinal)));
        Assert.Contains(_connector.Requests, r => r.Status == 429);
    }

    private async Task<string> OpenCaseAsync(string conversation, string conversationId)
    {
        await SaysAsync(conversation, "counsellor");
        return await Counsellors.OpenCaseAsync(_bot.Services, conversationId);
    }

    [Fact]
    public async Task With_an_agent_hub_a_new_case_sends_handoff_initiate_with_the_transcript_and_handoff_status_is_recorded()
    {
        await using var connector = await BotConnectorFake.StartAsync(AppId, Secret);
        using var bot = Configure(new BotFactory(), connector).With("Channels:BotService:AppPassword", Secret).With("Channels:BotService:AgentHub", "true");
        using var http = bot.CreateClient();
        await connector.DeliverAsync(http, BotConnectorFake.Message("a:hub", "29:p", "hello"));
        await connector.WaitForSentAsync("a:hub", 1, TimeSpan.FromSeconds(20));
        await connector.DeliverAsync(http, BotConnectorFake.Message("a:hub", "29:p", "English"));
        await connector.DeliverAsync(http, BotConnectorFake.Message("a:hub", "29:p", "yes"));
        await connector.DeliverAsync(http, BotConnectorFake.Message("a:hub", "29:p", "counsellor"));
        var conversationId = await Stored.WaitForConversationAsync(bot.Services, "botservice", "msteams\na:hub");
        var reference = await Counsellors.OpenCaseAsync(bot.Services, conversationId);

        ConnectorActivity? initiate = null;
        await Until.TrueAsync(() => Task.FromResult((initiate = connector.Sent.FirstOrDefault(s => s.Name == "handoff.initiate")) is not null), "handoff.initiate at the connector");
        var json = initiate!.Json;
        Assert.Equal("event", json["type"]!.GetValue<string>());
        Assert.Equal(reference, json["value"]!["caseReference"]!.GetValue<string>());
        Assert.Equal("a:hub", json["relatesTo"]!["conversation"]!["id"]!.GetValue<string>());
        var transcript = json["attachments"]![0]!;
        Assert.Equal("Transcript", transcript["name"]!.GetValue<string>());
        var texts = transcript["content"]!["activities"]!.AsArray().Select(a => a!["text"]?.GetValue<string>()).ToList();
        Assert.Contains("counsellor", texts);
        // Only what the person agreed to keep: nothing from before their consent.
        Assert.Equal("yes", texts[0]);
        Assert.DoesNotContain("hello", texts);

        var status = BotConnectorFake.Message("a:hub", "29:p", "");
        status["type"] = "event";
        status["name"] = "handoff.status";
        status["value"] = new JsonObject { ["state"] = "accepted", ["message"] = "Agent Sam has the conversation" };
        Assert.Equal(HttpStatusCode.OK, (await connector.DeliverAsync(http, status)).StatusCode);
        await using var db = await bot.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
        var caseId = await db.Cases.Where(c => c.Reference == reference).Select(c => c.Id).SingleAsync();
        Assert.Contains(await db.Set<CaseEventRecord>().Where(e => e.CaseId == caseId).ToListAsync(), e => e.Kind == "hub.accepted" && e.Actor == "agent hub");
    }

    [Fact]
    public async Task Without_an_agent_hub_no_handoff_event_is_sent()
    {
        await SaysAsync("a:conv-7", "hello");
        await _connector.WaitForSentAsync("a:conv-7", 1, TimeSpan.FromSeconds(20));
        var conversationId = await Stored.WaitForConversationAsync(_bot.Services, "botservice", "msteams\na:conv-7");
        await OpenCaseAsync("a:conv-7", conversationId);
        await _connector.WaitForSentAsync("a:conv-7", 2, TimeSpan.FromSeconds(20));

        Assert.DoesNotContain(_connector.Sent, s => s.Type == "event");
    }

    [Fact]
    public async Task A_managed_identity_gets_the_token_from_the_hosts_identity_endpoint_without_any_secret()
    {
        await using var connector = await BotConnectorFake.StartAsync(AppId, secret: null);
        using var bot = Configure(new BotFactory(), connector)
            .With("Channels:BotService:ManagedIdentity", "true")
            .With("Channels:BotService:ManagedIdentityEndpoint", connector.IdentityEndpoint)
            .With("Channels:BotService:ManagedIdentityHeader", BotConnectorFake.IdentityHeader);
        using var http = bot.CreateClient();

        await connector.DeliverAsync(http, BotConnectorFake.Message("a:msi", "29:p", "hello"));
        await connector.DeliverAsync(http, BotConnectorFake.Message("a:msi", "29:p", "English"));

        await connector.WaitForSentAsync("a:msi", 2, TimeSpan.FromSeconds(20));
        // expires_on is a day away: the token is reused.
        Assert.Equal(1, connector.TokenRequests);
    }

    [Fact]
    public async Task A_certificate_credential_gets_the_token_with_a_signed_assertion()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=avrr-bot-test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var directory = Directory.CreateTempSubdirectory("avrr-cert-");
        try
        {
            var path = Path.Combine(directory.FullName, "bot.pfx");
            await File.WriteAllBytesAsync(path, certificate.Export(X509ContentType.Pkcs12, "pfx-password"));
            using var publicPart = X509CertificateLoader.LoadCertificate(certificate.Export(X509ContentType.Cert));
            await using var connector = await BotConnectorFake.StartAsync(AppId, secret: null, publicPart);
            using var bot = Configure(new BotFactory(), connector)
                .With("Channels:BotService:CertificatePath", path)
                .With("Channels:BotService:CertificatePassword", "pfx-password");
            using var http = bot.CreateClient();

            await connector.DeliverAsync(http, BotConnectorFake.Message("a:cert", "29:p", "hello"));

            await connector.WaitForSentAsync("a:cert", 1, TimeSpan.FromSeconds(20));
            Assert.Equal(1, connector.TokenRequests);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
