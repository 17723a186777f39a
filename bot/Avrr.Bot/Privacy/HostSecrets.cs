using Avrr.Bot.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Avrr.Bot.Privacy;

/// <summary>
/// Secrets the host generates once and keeps in <c>host_settings</c>, wrapped by the master key: a copy of the
/// database alone does not reveal them. A value from before encryption is wrapped in place the first time it is read.
/// </summary>
public sealed class HostSecrets(IDbContextFactory<AvrrDbContext> contexts, KeyRing keys)
{
    private const string Prefix = "wrapped:";

    public async Task<byte[]> GetOrCreateAsync(string setting, Func<byte[]> create, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var stored = await db.HostSettings.FirstOrDefaultAsync(s => s.Key == setting, ct);
        if (stored is null)
        {
            var fresh = create();
            // Instances starting together on an empty database: the first insert wins, and everyone reads it.
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO host_settings (key, value) VALUES ({0}, {1}) ON CONFLICT (key) DO NOTHING", [setting, Encode(fresh, setting)], ct);
            stored = await db.HostSettings.AsNoTracking().FirstAsync(s => s.Key == setting, ct);
        }

        if (!stored.Value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            var legacy = System.Text.Encoding.UTF8.GetBytes(stored.Value);
            await db.HostSettings.Where(s => s.Key == setting && s.Value == stored.Value)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Value, Encode(legacy, setting)), ct);
            return legacy;
        }

        return keys.Unwrap(Convert.FromBase64String(stored.Value[Prefix.Length..]), Purpose(setting));
    }

    /// <summary>Rewraps every wrapped host secret with the current master key; returns how many changed.</summary>
    public async Task<int> RewrapAllAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var changed = 0;
        foreach (var setting in await db.HostSettings.Where(s => s.Value.StartsWith(Prefix)).ToListAsync(ct))
        {
            var wrapped = Convert.FromBase64String(setting.Value[Prefix.Length..]);
            if (!keys.IsCurrent(wrapped))
            {
                setting.Value = Prefix + Convert.ToBase64String(keys.Rewrap(wrapped, Purpose(setting.Key)));
                changed++;
            }
        }

        await db.SaveChangesAsync(ct);
        return changed;
    }

    /// <summary>How many wrapped host secrets each master key wraps.</summary>
    public async Task<IReadOnlyDictionary<string, int>> KeyUseAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var values = await db.HostSettings.AsNoTracking().Where(s => s.Value.StartsWith(Prefix)).Select(s => s.Value).ToListAsync(ct);
        return values.GroupBy(v => KeyRing.KeyIdOf(Convert.FromBase64String(v[Prefix.Length..])) ?? "?").ToDictionary(g => g.Key, g => g.Count());
    }

    private string Encode(byte[] secret, string setting) => Prefix + Convert.ToBase64String(keys.Wrap(secret, Purpose(setting)));

    private static string Purpose(string setting) => "host setting " + setting;
}
