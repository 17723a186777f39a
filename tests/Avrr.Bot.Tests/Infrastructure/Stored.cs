using System.Text.Json.Nodes;
using Avrr.Bot.Persistence;
using Avrr.Bot.Privacy;
using Avrr.Bot.Turns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Avrr.Bot.Tests.Infrastructure;

/// <summary>What the store holds for a conversation, opened with the host's own keys (the tests' view of the plaintext).</summary>
internal static class Stored
{
    public static async Task<string?> StateAsync(IServiceProvider services, string conversationId)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
        var row = await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == conversationId);
        if (row.State is null)
        {
            return null;
        }

        using var key = services.GetRequiredService<KeyRing>().OpenPersonKey(conversationId, row.DataKey!);
        return key.OpenString(SealedField.ConversationState, 0, row.State);
    }

    public static async Task<List<JsonNode>> TranscriptAsync(IServiceProvider services, string conversationId)
    {
        var log = services.GetRequiredService<ActivityLog>();
        return [.. (await log.ReadAfterAsync(conversationId, -1, 1000, default)).Select(a => JsonNode.Parse(a.Json)!)];
    }

    public static async Task<List<string>> TextsAsync(IServiceProvider services, string conversationId) =>
        [.. (await TranscriptAsync(services, conversationId)).Select(a => a["text"]?.GetValue<string>() ?? "")];

    /// <summary>
    /// The outgoing activities in a bot's SQLite folder, opened with the master key the bot generated there: for tests
    /// that run the bot as a separate process.
    /// </summary>
    public static async Task<List<JsonNode>> OutgoingInFolderAsync(string directory) =>
        [.. (await ActivitiesInFolderAsync(directory)).Where(a => a.Outgoing).Select(a => a.Activity)];

    /// <summary>Every stored activity in a bot's SQLite folder, by conversation and in order.</summary>
    public static async Task<List<(string ConversationId, long Seq, bool Outgoing, JsonNode Activity)>> ActivitiesInFolderAsync(string directory)
    {
        var keys = new KeyRing([.. File.ReadAllLines(Path.Combine(directory, "master.key")).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(Convert.FromBase64String)]);
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(directory, "avrr.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT a.conversation_id, a.seq, a.payload, c.data_key, a.direction FROM activities a JOIN conversations c ON c.id = a.conversation_id ORDER BY a.conversation_id, a.seq";
        var result = new List<(string, long, bool, JsonNode)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            using var key = keys.OpenPersonKey(reader.GetString(0), (byte[])reader.GetValue(3));
            result.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt32(4) == 1, JsonNode.Parse(key.Open(SealedField.Activity, reader.GetInt64(1), (byte[])reader.GetValue(2)))!));
        }

        return result;
    }

    /// <summary>The conversation of a platform address on a push channel (found by its keyed hash, as the host does).</summary>
    public static async Task<string?> ConversationOfAsync(IServiceProvider services, string channel, string address)
    {
        await using var connection = await services.GetRequiredService<StoreConnections>().OpenAsync(default);
        return await services.GetRequiredService<ConversationDirectory>().FindAsync(connection, channel, address, default);
    }

    /// <summary>Waits (bounded) until the address has a conversation, and returns it.</summary>
    public static async Task<string> WaitForConversationAsync(IServiceProvider services, string channel, string address)
    {
        for (var i = 0; i < 200; i++)
        {
            if (await ConversationOfAsync(services, channel, address) is { } id)
            {
                return id;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No {channel} conversation appeared for the address.");
    }
}
