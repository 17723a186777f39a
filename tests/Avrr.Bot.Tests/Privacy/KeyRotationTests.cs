using System.Net;
using Avrr.Bot.Persistence;
using Avrr.Bot.Privacy;
using Avrr.Bot.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Avrr.Bot.Tests.Privacy;

/// <summary>A new master key replaces the old one without downtime, and a stop half-way through loses nothing.</summary>
public sealed class KeyRotationTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "avrr-rotation", Guid.NewGuid().ToString("N"));
    private readonly string _oldKey = MasterKeySource.NewKey();
    private readonly string _newKey = MasterKeySource.NewKey();

    public KeyRotationTests() => Directory.CreateDirectory(_directory);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private BotFactory Bot(params string[] keys)
    {
        var file = Path.Combine(_directory, "keys-" + Guid.NewGuid().ToString("N"));
        File.WriteAllLines(file, keys);
        return new BotFactory(_directory).With("Privacy:MasterKeyFile", file);
    }

    [Fact]
    public async Task Rotation_rewraps_everything_and_a_restart_half_way_loses_nothing()
    {
        var conversations = new List<string>();
        using (var before = Bot(_oldKey))
        {
            using var http = before.CreateClient();
            for (var i = 0; i < 5; i++)
            {
                var client = await DirectLineClient.StartAsync(http);
                foreach (var text in new[] { "hello", "English", "yes", $"question number {i}" })
                {
                    (await client.PostActivityAsync(text)).EnsureSuccessStatusCode();
                }

                conversations.Add(client.ConversationId!);
            }

            await StaffAccounts.AddAsync(before.Services, "admin@example.org");
            using var staff = before.CreateClient(new() { AllowAutoRedirect = false });
            Assert.Equal(HttpStatusCode.Redirect, (await Admin.StaffSignInTests.SignInAsync(staff, "admin@example.org", StaffAccounts.Password)).StatusCode);
        }

        // The new key first, the old one still configured: instances serve throughout, and rotation stops after two rows.
        using (var during = Bot(_newKey, _oldKey))
        {
            during.CreateClient().Dispose();
            var rotation = during.Services.GetRequiredService<KeyRotation>();
            Assert.Equal(2, await rotation.RotateAsync(batchSize: 2, maxBatches: 1, progress: null, default));
            foreach (var id in conversations)
            {
                Assert.Contains("question number", string.Join(" ", await Stored.TextsAsync(during.Services, id)), StringComparison.Ordinal);
            }
        }

        // After the restart, run it again: it finishes the job.
        string newKeyId;
        using (var resumed = Bot(_newKey, _oldKey))
        {
            resumed.CreateClient().Dispose();
            var rotation = resumed.Services.GetRequiredService<KeyRotation>();
            await rotation.RotateAsync(batchSize: 2, maxBatches: int.MaxValue, progress: null, default);
            newKeyId = resumed.Services.GetRequiredService<KeyRing>().CurrentKeyId;
            Assert.All(await rotation.UseAsync(default), use => Assert.Equal(newKeyId, use.MasterKeyId));
        }

        // The old key can go: everything opens with the new one alone, staff sign-in included.
        using var after = Bot(_newKey);
        using var afterHttp = after.CreateClient(new() { AllowAutoRedirect = false });
        foreach (var (id, i) in conversations.Select((id, i) => (id, i)))
        {
            Assert.Contains($"question number {i}", await Stored.TextsAsync(after.Services, id));
        }

        Assert.Equal(HttpStatusCode.Redirect, (await Admin.StaffSignInTests.SignInAsync(afterHttp, "admin@example.org", StaffAccounts.Password)).StatusCode);
        await using var db = await after.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
        Assert.All(await db.Conversations.AsNoTracking().ToListAsync(), c => Assert.Equal(newKeyId, KeyRing.KeyIdOf(c.DataKey!)));
    }

    [Fact]
    public async Task Starting_without_the_master_key_that_wraps_the_data_fails_with_the_key_it_needs()
    {
        string oldKeyId;
        using (var before = Bot(_oldKey))
        {
            before.CreateClient().Dispose();
            oldKeyId = before.Services.GetRequiredService<KeyRing>().CurrentKeyId;
        }

        using var wrong = Bot(_newKey);
        var error = Assert.ThrowsAny<Exception>(() => wrong.CreateClient());

        Assert.Contains(oldKeyId, error.ToString(), StringComparison.Ordinal);
    }
}
