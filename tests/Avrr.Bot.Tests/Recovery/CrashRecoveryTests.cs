using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Avrr.Bot.Tests.Infrastructure;
using Avrr.Channels.Fakes.Telegram;

namespace Avrr.Bot.Tests.Recovery;

/// <summary>
/// The real bot as its own process, killed (like kill -9) right after a turn commits and before anything is
/// delivered; the next process on the same database must deliver the reply.
/// </summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "avrr-crash", Guid.NewGuid().ToString("N"));
    private readonly List<int> _started = [];

    public CrashRecoveryTests() => Directory.CreateDirectory(_directory);

    public void Dispose()
    {
        // Also when an assertion failed half-way: a bot left running would load every later test and benchmark.
        // By id: a test's `using` may have disposed the Process object without killing what it stands for.
        foreach (var id in _started)
        {
            try
            {
                using var process = Process.GetProcessById(id);
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(20));
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                // Already gone.
            }
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_reply_committed_before_a_crash_is_delivered_after_restart()
    {
        var port = FreePort();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(20) };

        using (var doomed = await StartBotAsync(port, failpoint: "after_commit_before_delivery"))
        {
            var client = await DirectLineClient.StartAsync(http);
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.PostActivityAsync("hello before the crash", "crash-1"));
            Assert.True(doomed.WaitForExit(TimeSpan.FromSeconds(20)), "the failpoint should have ended the process");
            Assert.NotEqual(0, doomed.ExitCode);

            using var survivor = await StartBotAsync(port, failpoint: null);
            var (activities, _) = await client.GetActivitiesAsync();

            var echo = activities.Single(a => DirectLineClient.Role(a) == "user");
            Assert.Equal("crash-1", echo["channelData"]!["clientActivityID"]!.GetValue<string>());
            var reply = activities.First(a => DirectLineClient.Role(a) == "bot");
            Assert.Equal(echo["id"]!.GetValue<string>(), reply["replyToId"]!.GetValue<string>());
            Assert.False(string.IsNullOrWhiteSpace(DirectLineClient.Text(reply)));

            // The retried post (Web Chat's "Retry") is recognised and not processed twice.
            var retry = await client.PostActivityAsync("hello before the crash", "crash-1");
            Assert.Equal(echo["id"]!.GetValue<string>(), (await retry.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>());
            Assert.Equal(activities.Count, (await client.GetActivitiesAsync()).Activities.Count);
            survivor.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Twenty_telegram_replies_queued_when_the_process_is_killed_are_all_delivered_after_restart_in_order_and_once()
    {
        const string token = "777:crash-test-token";
        const long chat = 8080;
        await using var telegram = await TelegramFake.StartAsync(token);
        var settings = new Dictionary<string, string>
        {
            ["Channels__Telegram__Token"] = token,
            ["Channels__Telegram__ApiBaseUrl"] = telegram.ApiBaseUrl,
            ["Channels__Telegram__PollTimeoutSeconds"] = "1",
            ["Channels__Telegram__PerChatIntervalMilliseconds"] = "20",
        };
        var port = FreePort();

        int before;
        int keptBefore;
        using (var doomed = await StartBotAsync(port, failpoint: null, settings))
        {
            // The person agrees first, so what follows is kept (without consent a reply is dropped once sent).
            var person = new Channels.TelegramPerson(telegram, chat);
            person.Types("hello");
            await person.ReadsAsync("language");
            person.Types("English");
            await person.ReadsAsync("Do you agree");
            person.Types("yes");
            await person.ReadsAsync("What would you like to do?");
            before = telegram.Sent.Count(s => s.ChatId == chat);
            keptBefore = (await Stored.OutgoingInFolderAsync(_directory)).Count;

            // The platform throttles the chat: everything for it queues behind the first reply.
            telegram.FailNext("sendMessage", 429, "Too Many Requests: retry after 4", retryAfter: 4, chatId: chat);
            for (var i = 0; i < 20; i++)
            {
                telegram.UserSends(chat, $"message number {i}");
            }

            for (var attempt = 0; attempt < 200 && await QueuedAsync() < 20; attempt++)
            {
                await Task.Delay(100);
            }

            Assert.True(await QueuedAsync() >= 20, $"only {await QueuedAsync()} replies were queued");
            doomed.Kill(entireProcessTree: true);
            Assert.True(doomed.WaitForExit(TimeSpan.FromSeconds(20)));
        }

        var queued = (await Stored.OutgoingInFolderAsync(_directory)).Select(a => a["text"]!.GetValue<string>().Trim()).Skip(keptBefore).ToList();
        Assert.Equal(before, telegram.Sent.Count(s => s.ChatId == chat));

        using var survivor = await StartBotAsync(port, failpoint: null, settings);
        // Messages still waiting in the inbox at the kill are answered after the restart too: all of them, then count.
        for (var attempt = 0; attempt < 600 && (await QueuedAsync() > 0 || telegram.Sent.Count(s => s.ChatId == chat) < before + queued.Count); attempt++)
        {
            await Task.Delay(100);
        }

        await Task.Delay(1000);
        var kept = (await Stored.OutgoingInFolderAsync(_directory)).Select(a => a["text"]!.GetValue<string>().Trim()).Skip(keptBefore).ToList();
        var sent = telegram.Sent.Where(s => s.ChatId == chat).Select(s => s.Text.Trim()).Skip(before).ToList();

        // Every reply queued at the kill, in order, then the later ones; none twice (the lists are equal).
        Assert.Equal(queued, sent.Take(queued.Count).ToList());
        Assert.Equal(kept, sent);
        survivor.Kill(entireProcessTree: true);

        async Task<int> QueuedAsync()
        {
            await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_directory, "avrr.db")};Mode=ReadOnly");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM activities WHERE direction = 1 AND delivery IN (1, 2)";
            try
            {
                return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Microsoft.Data.Sqlite.SqliteException)
            {
                return 0;
            }
        }
    }

    private async Task<Process> StartBotAsync(int port, string? failpoint, IReadOnlyDictionary<string, string>? settings = null)
    {
        var process = await BotProcess.StartAsync(_directory, port, failpoint, settings);
        _started.Add(process.Id);
        return process;
    }

    private static int FreePort() => BotProcess.FreePort();
}
