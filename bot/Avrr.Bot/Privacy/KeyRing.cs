using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Avrr.Bot.Privacy;

/// <summary>A wrapped value names a master key that is not configured, or was altered.</summary>
public sealed class KeyRingException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The master keys (key-encryption keys), held only in memory: the current one wraps, every configured one unwraps,
/// so data wrapped before a rotation stays readable until <c>keys rotate</c> has rewrapped it.
/// A wrapped value is <c>format(1) | key id(4) | nonce(12) | tag(16) | ciphertext</c>, authenticated with its purpose.
/// </summary>
public sealed class KeyRing
{
    private const byte Format = 1;
    private const int IdLength = 4;
    private const int Header = 1 + IdLength + AesGcmLayout.NonceSize + AesGcmLayout.TagSize;

    private readonly uint _currentId;
    private readonly Dictionary<uint, byte[]> _wrapKeys = [];

    /// <param name="masterKeys">32-byte master keys; the first is current.</param>
    public KeyRing(IReadOnlyList<byte[]> masterKeys)
    {
        if (masterKeys.Count == 0)
        {
            throw new ArgumentException("At least one master key is needed.", nameof(masterKeys));
        }

        foreach (var master in masterKeys)
        {
            if (master.Length != 32)
            {
                throw new KeyRingException("A master key must be 32 bytes (base64 of 32 random bytes, e.g. from 'keys generate').");
            }

            // Sub-keys by HKDF, so the master key itself never touches data and its id reveals nothing about it.
            var id = BinaryPrimitives.ReadUInt32BigEndian(HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 4, info: "avrr/master-key-id"u8.ToArray()));
            _wrapKeys.TryAdd(id, HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, info: "avrr/wrap/v1"u8.ToArray()));
        }

        _currentId = BinaryPrimitives.ReadUInt32BigEndian(HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKeys[0], 4, info: "avrr/master-key-id"u8.ToArray()));
    }

    /// <summary>The current master key's id (8 hex digits), which wrapped values carry.</summary>
    public string CurrentKeyId => Hex(_currentId);

    public IReadOnlyList<string> KeyIds => [.. _wrapKeys.Keys.Select(Hex)];

    public byte[] Wrap(ReadOnlySpan<byte> secret, string purpose)
    {
        var output = new byte[Header + secret.Length];
        output[0] = Format;
        BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(1), _currentId);
        var nonce = output.AsSpan(1 + IdLength, AesGcmLayout.NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_wrapKeys[_currentId], AesGcmLayout.TagSize);
        aes.Encrypt(nonce, secret, output.AsSpan(Header), output.AsSpan(1 + IdLength + AesGcmLayout.NonceSize, AesGcmLayout.TagSize), Context(purpose, output.AsSpan(0, 1 + IdLength)));
        return output;
    }

    public byte[] Unwrap(ReadOnlySpan<byte> wrapped, string purpose)
    {
        if (wrapped.Length < Header || wrapped[0] != Format)
        {
            throw new KeyRingException($"A wrapped {purpose} has an unknown format.");
        }

        var id = BinaryPrimitives.ReadUInt32BigEndian(wrapped[1..]);
        if (!_wrapKeys.TryGetValue(id, out var key))
        {
            throw new KeyRingException($"A {purpose} is wrapped by master key {Hex(id)}, which is not configured (configured: {string.Join(", ", KeyIds)}). Set Privacy:MasterKey, Privacy:MasterKeyFile or Privacy:PreviousMasterKeys.");
        }

        var plaintext = new byte[wrapped.Length - Header];
        try
        {
            using var aes = new AesGcm(key, AesGcmLayout.TagSize);
            aes.Decrypt(wrapped.Slice(1 + IdLength, AesGcmLayout.NonceSize), wrapped[Header..], wrapped.Slice(1 + IdLength + AesGcmLayout.NonceSize, AesGcmLayout.TagSize), plaintext, Context(purpose, wrapped[..(1 + IdLength)]));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new KeyRingException($"A wrapped {purpose} does not authenticate under master key {Hex(id)}: it was altered or belongs elsewhere.", ex);
        }

        return plaintext;
    }

    /// <summary>The id of the master key that wrapped this value, or null when it is not a wrapped value.</summary>
    public static string? KeyIdOf(ReadOnlySpan<byte> wrapped) =>
        wrapped.Length >= Header && wrapped[0] == Format ? Hex(BinaryPrimitives.ReadUInt32BigEndian(wrapped[1..])) : null;

    public bool IsCurrent(ReadOnlySpan<byte> wrapped) => KeyIdOf(wrapped) == CurrentKeyId;

    /// <summary>A new data key for one person, and its wrapped form to store with their conversation.</summary>
    public PersonKey NewPersonKey(string conversationId, out byte[] wrapped)
    {
        Span<byte> key = stackalloc byte[32];
        RandomNumberGenerator.Fill(key);
        wrapped = Wrap(key, DataKeyPurpose(conversationId));
        var person = new PersonKey(conversationId, key);
        CryptographicOperations.ZeroMemory(key);
        return person;
    }

    public PersonKey OpenPersonKey(string conversationId, ReadOnlySpan<byte> wrapped)
    {
        var key = Unwrap(wrapped, DataKeyPurpose(conversationId));
        try
        {
            return new PersonKey(conversationId, key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>The same data key wrapped by the current master key (rotation); the conversation's data is untouched.</summary>
    public byte[] RewrapPersonKey(string conversationId, ReadOnlySpan<byte> wrapped)
    {
        var purpose = DataKeyPurpose(conversationId);
        var key = Unwrap(wrapped, purpose);
        try
        {
            return Wrap(key, purpose);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    public byte[] Rewrap(ReadOnlySpan<byte> wrapped, string purpose)
    {
        var secret = Unwrap(wrapped, purpose);
        try
        {
            return Wrap(secret, purpose);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    internal static string DataKeyPurpose(string conversationId) => "data key of " + conversationId;

    private static byte[] Context(string purpose, ReadOnlySpan<byte> header)
    {
        var context = new byte[header.Length + Encoding.UTF8.GetByteCount(purpose)];
        header.CopyTo(context);
        Encoding.UTF8.GetBytes(purpose, context.AsSpan(header.Length));
        return context;
    }

    private static string Hex(uint id) => id.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
}

internal static class AesGcmLayout
{
    public const int NonceSize = 12;
    public const int TagSize = 16;
}
