using System.Xml.Linq;
using Avrr.Bot.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Avrr.Bot.Privacy;

/// <summary>How many wrapped values each master key wraps, per kind.</summary>
public sealed record KeyUse(string Kind, string MasterKeyId, int Count);

/// <summary>
/// <c>keys rotate</c>: rewraps everything the master keys protect (each person's data key, the host secrets, the staff
/// sign-in key ring) with the current master key, while the instances keep serving: they unwrap with every configured
/// key. Batches commit on their own and each row is rewrapped only if unchanged meanwhile, so a stop or crash half-way
/// loses nothing and running it again finishes the job.
/// </summary>
public sealed class KeyRotation(StoreConnections connections, KeyRing keys, HostSecrets secrets, IDbContextFactory<AvrrDbContext> contexts)
{
    public async Task<IReadOnlyList<KeyUse>> UseAsync(CancellationToken ct)
    {
        var use = new Dictionary<(string, string), int>();
        void Count(string kind, string id) => use[(kind, id)] = use.GetValueOrDefault((kind, id)) + 1;

        await using (var connection = await connections.OpenAsync(ct))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT data_key FROM conversations WHERE data_key IS NOT NULL";
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                Count("person data keys", KeyRing.KeyIdOf((byte[])reader.GetValue(0)) ?? "?");
            }
        }

        foreach (var (id, count) in await secrets.KeyUseAsync(ct))
        {
            use[("host secrets", id)] = count;
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        foreach (var xml in await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync(ct))
        {
            foreach (var element in Wrapped(xml))
            {
                Count("staff sign-in keys", element.Attribute("masterKey")?.Value ?? "?");
            }
        }

        return [.. use.Select(u => new KeyUse(u.Key.Item1, u.Key.Item2, u.Value)).OrderBy(u => u.Kind, StringComparer.Ordinal).ThenBy(u => u.MasterKeyId, StringComparer.Ordinal)];
    }

    /// <param name="maxBatches">Stop after this many batches of person keys (the rest waits for the next run).</param>
    /// <returns>How many values were rewrapped.</returns>
    public async Task<int> RotateAsync(int batchSize, int maxBatches, IProgress<int>? progress, CancellationToken ct)
    {
        var rewrapped = 0;
        var after = "";
        for (var batch = 0; batch < maxBatches; batch++)
        {
            var rows = new List<(string Id, byte[] Key)>();
            await using var connection = await connections.OpenAsync(ct);
            await using (var select = connection.CreateCommand())
            {
                select.CommandText = "SELECT id, data_key FROM conversations WHERE id > @after AND data_key IS NOT NULL ORDER BY id LIMIT @n";
                select.AddParameter("after", after);
                select.AddParameter("n", batchSize);
                await using var reader = await select.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    rows.Add((reader.GetString(0), (byte[])reader.GetValue(1)));
                }
            }

            if (rows.Count == 0)
            {
                break;
            }

            after = rows[^1].Id;
            await using var transaction = await connection.BeginTransactionAsync(ct);
            foreach (var (id, wrapped) in rows.Where(r => !keys.IsCurrent(r.Key)))
            {
                await using var update = connection.CreateCommand();
                update.Transaction = transaction;
                // Only if unchanged: an erasure that replaced the key meanwhile already wrapped the new one with the current key.
                update.CommandText = "UPDATE conversations SET data_key = @new WHERE id = @id AND data_key = @old";
                update.AddParameter("new", keys.RewrapPersonKey(id, wrapped));
                update.AddParameter("id", id);
                update.AddParameter("old", wrapped);
                rewrapped += await update.ExecuteNonQueryAsync(ct);
            }

            await transaction.CommitAsync(ct);
            progress?.Report(rewrapped);
            if (rows.Count < batchSize)
            {
                rewrapped += await RewrapRestAsync(ct);
                return rewrapped;
            }
        }

        return rewrapped;
    }

    private async Task<int> RewrapRestAsync(CancellationToken ct)
    {
        var rewrapped = await secrets.RewrapAllAsync(ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        foreach (var key in await db.DataProtectionKeys.ToListAsync(ct))
        {
            var document = XElement.Parse(key.Xml!);
            var changed = false;
            foreach (var element in document.Descendants(MasterKeyXmlEncryptor.ElementName).ToList())
            {
                if (MasterKeyXmlEncryptor.Rewrap(keys, element) is { } current)
                {
                    element.ReplaceWith(current);
                    changed = true;
                    rewrapped++;
                }
            }

            if (changed)
            {
                key.Xml = document.ToString(SaveOptions.DisableFormatting);
            }
        }

        await db.SaveChangesAsync(ct);
        return rewrapped;
    }

    private static IEnumerable<XElement> Wrapped(string? xml) =>
        xml is null ? [] : XElement.Parse(xml).Descendants(MasterKeyXmlEncryptor.ElementName);
}
