using System.Data.Common;
using Avrr.Bot.Persistence;

namespace Avrr.Bot.Cases;

/// <summary>Deleting cases with everything that hangs off them, for erasure and retention, inside the caller's transaction.</summary>
internal static class CaseRows
{
    private static readonly string[] Children = ["case_notes", "case_events", "case_webhooks"];

    /// <summary>Every case of a conversation (the person's data is being erased).</summary>
    public static async Task DeleteForConversationAsync(DbConnection connection, DbTransaction transaction, string conversationId, CancellationToken ct)
    {
        foreach (var table in Children)
        {
            await ExecuteAsync(connection, transaction, $"DELETE FROM {table} WHERE case_id IN (SELECT id FROM cases WHERE conversation_id = @id)", ct, ("id", conversationId));
        }

        await ExecuteAsync(connection, transaction, "DELETE FROM cases WHERE conversation_id = @id", ct, ("id", conversationId));
    }

    /// <summary>Closed cases whose retention ended (Privacy:Retention:ClosedCases).</summary>
    public static async Task<int> DeleteClosedBeforeAsync(DbConnection connection, DbTransaction transaction, long cutoff, CancellationToken ct)
    {
        var expired = $"SELECT id FROM cases WHERE status = {(int)CaseState.Closed} AND closed_at < @cutoff";
        foreach (var table in Children)
        {
            await ExecuteAsync(connection, transaction, $"DELETE FROM {table} WHERE case_id IN ({expired})", ct, ("cutoff", cutoff));
        }

        return await ExecuteAsync(connection, transaction, $"DELETE FROM cases WHERE status = {(int)CaseState.Closed} AND closed_at < @cutoff", ct, ("cutoff", cutoff));
    }

    private static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.AddParameter(name, value);
        }

        return await command.ExecuteNonQueryAsync(ct);
    }
}
