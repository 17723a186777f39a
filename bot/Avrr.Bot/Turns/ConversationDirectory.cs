using System.Data.Common;
using Avrr.Bot.Persistence;
using Avrr.Bot.Privacy;

namespace Avrr.Bot.Turns;

/// <summary>
/// Finds a person's conversation on a push channel by the keyed hash of their platform address, never by the address
/// itself. The first message creates the conversation: a random id, the person's data key, and the address sealed
/// with it for sending replies.
/// </summary>
public sealed class ConversationDirectory(KeyRing keys, BlindIndex index)
{

    /// <summary>
    /// The conversation and its wrapped data key, created if needed. Touching <c>updated_at</c> takes the row lock, so
    /// a retention sweep deciding at the same moment that the conversation is inactive waits and then keeps it.
    /// </summary>
    /// <param name="key">What identifies the person on the channel; the same as <paramref name="address"/> unless the address can change.</param>
    public async Task<(string ConversationId, byte[] WrappedKey)> ResolveAsync(DbConnection connection, DbTransaction transaction, string channel, string key, string address, long now, CancellationToken ct)
    {
        var hash = index.Hash(channel, key);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await TouchAsync(connection, transaction, channel, hash, now, ct) is { } found)
            {
                if (!string.Equals(key, address, StringComparison.Ordinal))
                {
                    await ResealAddressAsync(connection, transaction, found.Item1, found.Item2, address, ct);
                }

                return found;
            }

            var id = ConversationIds.New();
            using var personKey = keys.NewPersonKey(id, out var wrapped);
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO conversations (id, channel, channel_address, address_hash, data_key, version, next_seq, owner, opted_out, created_at, updated_at)
                VALUES (@id, @channel, @address, @hash, @key, 1, 0, 0, @opted_out, @now, @now)
                ON CONFLICT (channel, address_hash) DO NOTHING
                """;
            insert.AddParameter("id", id);
            insert.AddParameter("channel", channel);
            insert.AddParameter("address", personKey.Seal(SealedField.ChannelAddress, 0, address));
            insert.AddParameter("hash", hash);
            insert.AddParameter("key", wrapped);
            insert.AddParameter("opted_out", false);
            insert.AddParameter("now", now);
            if (await insert.ExecuteNonQueryAsync(ct) == 1)
            {
                return (id, wrapped);
            }

            // Another instance created it between our lookup and insert: look again.
        }

        throw new InvalidOperationException($"Could not resolve a {channel} conversation.");
    }

    /// <summary>
    /// A pull channel's conversation (Direct Line) exists from the moment it is started, with its data key, so that
    /// every later request can be checked against its channel.
    /// </summary>
    public async Task CreatePullConversationAsync(DbConnection connection, string id, string channel, long now, CancellationToken ct)
    {
        using var key = keys.NewPersonKey(id, out var wrapped);
        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO conversations (id, channel, data_key, version, next_seq, owner, opted_out, created_at, updated_at)
            VALUES (@id, @channel, @key, 1, 0, 0, @opted_out, @now, @now)
            ON CONFLICT (id) DO NOTHING
            """;
        insert.AddParameter("id", id);
        insert.AddParameter("channel", channel);
        insert.AddParameter("key", wrapped);
        insert.AddParameter("opted_out", false);
        insert.AddParameter("now", now);
        await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The conversation of a platform address, if the person ever wrote (and was not erased since).</summary>
    public async Task<string?> FindAsync(DbConnection connection, string channel, string address, CancellationToken ct, DbTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT id FROM conversations WHERE channel = @channel AND address_hash = @hash";
        command.AddParameter("channel", channel);
        command.AddParameter("hash", index.Hash(channel, address));
        return await command.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>The latest address replaces the sealed one (the row is already locked by the touch).</summary>
    private async Task ResealAddressAsync(DbConnection connection, DbTransaction transaction, string id, byte[] wrapped, string address, CancellationToken ct)
    {
        using var personKey = keys.OpenPersonKey(id, wrapped);
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE conversations SET channel_address = @address WHERE id = @id";
        update.AddParameter("address", personKey.Seal(SealedField.ChannelAddress, 0, address));
        update.AddParameter("id", id);
        await update.ExecuteNonQueryAsync(ct);
    }

    private static async Task<(string, byte[])?> TouchAsync(DbConnection connection, DbTransaction transaction, string channel, string hash, long now, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE conversations SET updated_at = @now WHERE channel = @channel AND address_hash = @hash RETURNING id, data_key";
        command.AddParameter("now", now);
        command.AddParameter("channel", channel);
        command.AddParameter("hash", hash);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), (byte[])reader.GetValue(1)) : null;
    }
}
