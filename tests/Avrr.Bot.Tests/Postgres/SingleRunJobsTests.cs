using Avrr.Bot.Tests.Infrastructure;
using Avrr.Channels.Fakes.Telegram;

namespace Avrr.Bot.Tests.Postgres;

/// <summary>Work that must run on one instance at a time does, when several share one PostgreSQL.</summary>
[Collection(PostgresServerGroup.Name)]
public sealed class SingleRunJobsTests(PostgresServer server)
{
    [PostgresFact]
    public async Task Two_instances_in_long_polling_mode_poll_telegram_one_at_a_time_and_answer_each_message_once()
    {
        await using var telegram = await TelegramFake.StartAsync("66:pg-token");
        var database = await server.CreateDatabaseAsync();
        BotFactory Instance() => new BotFactory()
            .With("Storage:Provider", "Postgres")
            .With("ConnectionStrings:Avrr", database)
            .With("Channels:Telegram:Token", "66:pg-token")
            .With("Channels:Telegram:ApiBaseUrl", telegram.ApiBaseUrl)
            .With("Channels:Telegram:PollTimeoutSeconds", "1")
            .With("Channels:Telegram:PerChatIntervalMilliseconds", "0");
        using var first = Instance();
        using var second = Instance();
        first.CreateClient().Dispose();
        second.CreateClient().Dispose();

        for (var chat = 1; chat <= 3; chat++)
        {
            telegram.UserSends(chat, "hello");
        }

        for (var chat = 1; chat <= 3; chat++)
        {
            await telegram.WaitForSentAsync(chat, 1, TimeSpan.FromSeconds(20));
        }

        // Several long polls (1 s each) have passed by now: with two pollers each would have cut the other off.
        await telegram.WaitForRequestsAsync("getUpdates", 4, TimeSpan.FromSeconds(20));
        Assert.DoesNotContain(telegram.Requests, r => r.Method == "getUpdates" && r.Status == 409);
        for (var chat = 1; chat <= 3; chat++)
        {
            Assert.Single(telegram.Sent, s => s.ChatId == chat);
        }
    }
}
