using System.Data.Common;
using Avrr.Bot.Persistence;
using Avrr.Bot.Privacy;

namespace Avrr.Bot.Turns;

/// <summary>A transcript entry as stored: its sequence number and activity JSON (UTF-8, already opened).</summary>
public readonly record struct LoggedActivity(long Seq, ActivityDirection Direction, byte[] Json);

/// <summary>Reads a conversation's transcript; what clients poll and streams replay from.</summary>
public sealed class ActivityLog(StoreConnections connections, KeyRing keys)
{
    public async Task<IReadOnlyList<LoggedActivity>> ReadAfterAsync(string conversationId, long afterSeq, int max, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        var wrapped = await DataKeyAsync(connection, conversationId, ct);
        if (wrapped is null)
        {
            return [];
        }

        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, direction, payload FROM activities WHERE conversation_id = @id AND seq > @after ORDER BY seq LIMIT @max";
        command.AddParameter("id", conversationId);
        command.AddParameter("after", afterSeq);
        command.AddParameter("max", max);
        var result = new List<LoggedActivity>();
        using var key = keys.OpenPersonKey(conversationId, wrapped);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var seq = reader.GetInt64(0);
            result.Add(new LoggedActivity(seq, (ActivityDirection)reader.GetInt32(1), key.Open(SealedField.Activity, seq, (byte[])reader.GetValue(2))));
        }

        return result;
    }

    /// <summary>The highest sequence number stored, or -1 when the conversation has nothing (or does not exist).</summary>
    public async Task<long> LastSeqAsync(string conversationId, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT next_seq FROM conversations WHERE id = @id";
        command.AddParameter("id", conversationId);
        var value = await command.ExecuteScalarAsync(ct);
        return value is null or DBNull ? -1 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) - 1;
    }

    /// <summary>The channel of a conversation, or null when there is none with this id.</summary>
    public async Task<string?> ChannelAsync(string conversationId, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT channel FROM conversations WHERE id = @id";
        command.AddParameter("id", conversationId);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    private static async Task<byte[]?> DataKeyAsync(DbConnection connection, string conversationId, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT data_key FROM conversations WHERE id = @id";
        command.AddParameter("id", conversationId);
        return await command.ExecuteScalarAsync(ct) as byte[];
    }
}
