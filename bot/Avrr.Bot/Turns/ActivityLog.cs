using Avrr.Bot.Persistence;

namespace Avrr.Bot.Turns;

/// <summary>A transcript entry as stored: its sequence number and activity JSON (already unprotected).</summary>
public readonly record struct LoggedActivity(long Seq, ActivityDirection Direction, string Json);

/// <summary>Reads a conversation's transcript; what clients poll and streams replay from.</summary>
public sealed class ActivityLog(StoreConnections connections, IFieldProtector protector)
{
    public async Task<IReadOnlyList<LoggedActivity>> ReadAfterAsync(string conversationId, long afterSeq, int max, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, direction, payload FROM activities WHERE conversation_id = @id AND seq > @after ORDER BY seq LIMIT @max";
        command.AddParameter("id", conversationId);
        command.AddParameter("after", afterSeq);
        command.AddParameter("max", max);
        var result = new List<LoggedActivity>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new LoggedActivity(reader.GetInt64(0), (ActivityDirection)reader.GetInt32(1), protector.Unprotect(conversationId, reader.GetString(2))));
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

    public async Task<bool> ExistsAsync(string conversationId, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM conversations WHERE id = @id";
        command.AddParameter("id", conversationId);
        return await command.ExecuteScalarAsync(ct) is not null;
    }
}
