using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Avrr.Bot.Privacy;

/// <summary>
/// Keyed hashes (HMAC-SHA256) for equality lookups of values that must not be stored: a phone number or chat id
/// (to find the person's conversation), a platform message id (the dedupe key). The key is random, kept in the
/// database only wrapped by the master key, so a copy of the database alone cannot test a phone number against it.
/// </summary>
public sealed class BlindIndex
{
    /// <summary>Hashes start with this, which no platform id does, so an upgrade can tell them from legacy values.</summary>
    public const char Marker = '#';

    private byte[]? _key;

    internal void Load(byte[] key) => _key = key;

    public bool IsLoaded => _key is not null;

    /// <summary>The lookup hash of <paramref name="value"/> within <paramref name="channel"/> (44 characters).</summary>
    public string Hash(string channel, string value)
    {
        var key = _key ?? throw new InvalidOperationException("The lookup key is not loaded yet (the privacy start-up step runs first).");
        var length = Encoding.UTF8.GetByteCount(channel) + 1 + Encoding.UTF8.GetByteCount(value);
        var input = length <= 512 ? stackalloc byte[length] : new byte[length];
        var written = Encoding.UTF8.GetBytes(channel, input);
        input[written++] = (byte)'\n';
        Encoding.UTF8.GetBytes(value, input[written..]);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, input, mac);
        return Marker + Base64Url.EncodeToString(mac);
    }

    public static bool IsHash(string stored) => stored.Length == 44 && stored[0] == Marker;
}
