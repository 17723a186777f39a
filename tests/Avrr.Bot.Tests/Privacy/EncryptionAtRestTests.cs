using System.Net;
using System.Text;
using Avrr.Bot.Persistence;
using Avrr.Bot.Privacy;
using Avrr.Bot.Tests.Channels;
using Avrr.Bot.Tests.Infrastructure;
using Avrr.Channels.Fakes.Telegram;
using Avrr.Channels.Fakes.WhatsApp;
using Avrr.Knowledge;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Webhook = Avrr.Channels.Fakes.WhatsApp.WhatsAppWebhook;

namespace Avrr.Bot.Tests.Privacy;

/// <summary>
/// What a person writes, on any channel, is never readable in the database files: the SQLite file and its
/// write-ahead log are scanned byte for byte for planted personal details and the platform addresses.
/// </summary>
public sealed class EncryptionAtRestTests : IAsyncLifetime
{
    private const string TelegramToken = "4242:at-rest-token";
    private const string AccessToken = "EAAG-at-rest";
    private const string PhoneNumberId = "109000000001";
    private const string AppSecret = "at-rest-app-secret";
    private const string WaId = "32470999888";
    private const long ChatId = 987654321;

    private TelegramFake _telegram = null!;
    private WhatsAppFake _whatsApp = null!;
    private BotFactory _bot = null!;
    private HttpClient _http = null!;
    private int _wamids;

    public async Task InitializeAsync()
    {
        _telegram = await TelegramFake.StartAsync(TelegramToken);
        _whatsApp = await WhatsAppFake.StartAsync(AccessToken, PhoneNumberId);
        _bot = new BotFactory()
            .With("Channels:Telegram:Token", TelegramToken)
            .With("Channels:Telegram:ApiBaseUrl", _telegram.ApiBaseUrl)
            .With("Channels:Telegram:PollTimeoutSeconds", "1")
            .With("Channels:Telegram:PerChatIntervalMilliseconds", "10")
            .With("Channels:WhatsApp:AccessToken", AccessToken)
            .With("Channels:WhatsApp:PhoneNumberId", PhoneNumberId)
            .With("Channels:WhatsApp:AppSecret", AppSecret)
            .With("Channels:WhatsApp:VerifyToken", "verify")
            .With("Channels:WhatsApp:GraphApiBaseUrl", _whatsApp.GraphBaseUrl)
            .With("Channels:WhatsApp:PerRecipientIntervalMilliseconds", "0");
        _http = _bot.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        _bot.Dispose();
        await _whatsApp.DisposeAsync();
        await _telegram.DisposeAsync();
    }

    private IKnowledgeSnapshot K => _bot.Services.GetRequiredService<IKnowledgeSource>().Current;

    /// <summary>What the bot answers the planted message with, whatever the articles make of it.</summary>
    private string ReplyToPlanted(string channel) => K.AnswerQuestion("en", Planted(channel)) switch
    {
        { Kind: AnswerKind.NoMatch } => K.Said("info.not_found", "en"),
        { Kind: AnswerKind.Choice } => K.Said("learn.which", "en"),
        var answer => answer.Matches[0].Article.Title,
    };

    private static string Planted(string channel) =>
        $"My name is Amina Haddad-{channel}, customer number P{channel.Length}8831042, email amina.{channel}@example.org, call me on +4915{channel.Length}7712345";

    [Fact]
    public async Task Planted_details_and_platform_addresses_never_appear_in_the_database_file_or_its_log()
    {
        var webChat = await WebChatConversationAsync();
        await TelegramConversationAsync();
        await WhatsAppConversationAsync();

        // Every planted message reached the store (readable with the keys), yet the files hold none of it.
        Assert.Contains(Planted("webchat"), await Stored.TextsAsync(_bot.Services, webChat));
        var telegram = await Stored.WaitForConversationAsync(_bot.Services, "telegram", ChatId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(Planted("telegram"), await Stored.TextsAsync(_bot.Services, telegram));
        var whatsApp = await Stored.WaitForConversationAsync(_bot.Services, "whatsapp", WaId);
        Assert.Contains(Planted("whatsapp"), await Stored.TextsAsync(_bot.Services, whatsApp));

        var files = DatabaseFiles();
        Assert.Contains(files, f => f.EndsWith("-wal", StringComparison.Ordinal));
        foreach (var secret in new[] { "Amina", "Haddad", "8831042", "@example.org", "7712345", WaId, ChatId.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            foreach (var file in files)
            {
                Assert.False(Contains(File.ReadAllBytes(file), Encoding.UTF8.GetBytes(secret)), $"'{secret}' is readable in {Path.GetFileName(file)}");
            }
        }
    }

    [Fact]
    public async Task After_one_persons_erasure_their_data_and_key_are_gone_from_the_files_while_others_stay_readable()
    {
        var webChat = await WebChatConversationAsync();
        await WhatsAppConversationAsync();
        var whatsApp = await Stored.WaitForConversationAsync(_bot.Services, "whatsapp", WaId);
        var oldKey = await DataKeyAsync(whatsApp);
        var before = _bot.Services.GetRequiredService<ErasureFollowUp>().Completed;

        await WritesAsync("delete my data");
        await WhatsAppReadsAsync(K.Said("data.delete_confirm", "en"));
        await WritesAsync("yes");
        await WhatsAppReadsAsync(K.Said("data.deleted", "en"));

        // The receipt went out; then the conversation, its address and its window go too, and the log is emptied.
        await using (var db = await Db())
        {
            for (var i = 0; i < 100 && await db.Conversations.AnyAsync(c => c.Id == whatsApp); i++)
            {
                await Task.Delay(50);
            }

            Assert.False(await db.Conversations.AnyAsync(c => c.Id == whatsApp));
            Assert.False(await db.Activities.AnyAsync(a => a.ConversationId == whatsApp));
            Assert.False(await db.ChannelContacts.AnyAsync(c => c.ConversationId == whatsApp));
            Assert.False(await db.Inbox.AnyAsync(i => i.ConversationId == whatsApp));
        }

        Assert.Null(await Stored.ConversationOfAsync(_bot.Services, "whatsapp", WaId));
        var followUp = _bot.Services.GetRequiredService<ErasureFollowUp>();
        for (var i = 0; i < 100 && followUp.Completed == before; i++)
        {
            await Task.Delay(50);
        }

        Assert.True(await followUp.CheckpointAsync(default));
        foreach (var file in DatabaseFiles())
        {
            Assert.False(Contains(File.ReadAllBytes(file), oldKey), $"the erased person's wrapped key is still in {Path.GetFileName(file)}");
        }

        Assert.Contains(Planted("webchat"), await Stored.TextsAsync(_bot.Services, webChat));
    }

    [Fact]
    public async Task The_staff_sign_in_keys_and_the_host_secrets_are_stored_wrapped_by_the_master_key()
    {
        await StaffAccounts.AddAsync(_bot.Services, "admin@example.org");
        using var staff = _bot.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Redirect, (await Admin.StaffSignInTests.SignInAsync(staff, "admin@example.org", StaffAccounts.Password)).StatusCode);

        await using var db = await Db();
        var ring = await db.DataProtectionKeys.AsNoTracking().ToListAsync();
        Assert.NotEmpty(ring);
        Assert.All(ring, k =>
        {
            // The key material sits inside the wrapped element only; no <masterKey> in the clear.
            Assert.Contains("<wrappedByMasterKey", k.Xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", k.Xml, StringComparison.Ordinal);
        });
        Assert.All(await db.HostSettings.AsNoTracking().Where(h => h.Key == "privacy.lookup_key").ToListAsync(), h => Assert.StartsWith("wrapped:", h.Value, StringComparison.Ordinal));
        // This host has its Direct Line secret from configuration: nothing about it is stored.
        Assert.False(await db.HostSettings.AnyAsync(h => h.Key == "directline.secret"));

        // Another instance on the same database and master key decrypts the shared key ring: staff sign in there too.
        using var restarted = new BotFactory(_bot.DataDirectory);
        using var again = restarted.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Redirect, (await Admin.StaffSignInTests.SignInAsync(again, "admin@example.org", StaffAccounts.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync(new Uri("/admin", UriKind.Relative))).StatusCode);
    }

    private async Task<string> WebChatConversationAsync()
    {
        var client = await DirectLineClient.StartAsync(_http);
        foreach (var text in new[] { "hello", "English", "yes", Planted("webchat") })
        {
            (await client.PostActivityAsync(text)).EnsureSuccessStatusCode();
        }

        return client.ConversationId!;
    }

    private async Task TelegramConversationAsync()
    {
        var person = new TelegramPerson(_telegram, ChatId);
        person.Types("hello");
        await person.ReadsAsync(K.Said("lang.prompt", "en"));
        person.Presses("English");
        await person.ReadsAsync(K.Said("consent.short", "en"));
        person.Presses(K.Said("consent.yes", "en"));
        await person.ReadsAsync(K.Said("menu.prompt", "en"));
        person.Types(Planted("telegram"));
        await person.ReadsAsync(ReplyToPlanted("telegram"));
    }

    private async Task WhatsAppConversationAsync()
    {
        await WritesAsync("hello");
        await WhatsAppReadsAsync(K.Said("lang.prompt", "en"));
        await WritesAsync("English");
        await WhatsAppReadsAsync(K.Said("consent.short", "en"));
        await WritesAsync("yes");
        await WhatsAppReadsAsync(K.Said("menu.prompt", "en"));
        await WritesAsync(Planted("whatsapp"));
        await WhatsAppReadsAsync(ReplyToPlanted("whatsapp"));
    }

    private async Task WritesAsync(string text)
    {
        var wamid = $"wamid.rest{_wamids++}";
        var now = DateTimeOffset.UtcNow;
        _whatsApp.UserMessaged(WaId, now);
        _whatsApp.Inbound(wamid);
        var body = Webhook.TextMessage(PhoneNumberId, WaId, wamid, text, now);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/channels/whatsapp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(Webhook.SignatureHeader, Webhook.Sign(body, AppSecret));
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(request)).StatusCode);
    }

    private async Task WhatsAppReadsAsync(string expected)
    {
        for (var i = 0; i < 400; i++)
        {
            if (_whatsApp.Sent.Any(s => s.To == WaId && s.Text.Contains(expected, StringComparison.Ordinal)))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"WhatsApp never read '{expected}'.");
    }

    private async Task<byte[]> DataKeyAsync(string conversationId)
    {
        await using var db = await Db();
        return (await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == conversationId)).DataKey!;
    }

    private Task<AvrrDbContext> Db() => _bot.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();

    private List<string> DatabaseFiles() =>
        [.. Directory.GetFiles(_bot.DataDirectory).Where(f => Path.GetFileName(f).StartsWith("avrr.db", StringComparison.Ordinal))];

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
