using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Avrr.Bot.Privacy;

/// <summary>
/// Where a sealed value belongs. The number is part of the associated data, so a ciphertext cannot be moved to another
/// column or row unnoticed; never renumber.
/// </summary>
public enum SealedField : byte
{
    ConversationState = 1,
    ChannelAddress = 2,
    Activity = 3,
    InboxPayload = 4,
    HandoffSummary = 5,
    /// <summary>A counsellor's private note; the row is the note's time (ms), so a note cannot pass for another.</summary>
    CaseNote = 6,
    /// <summary>A message's machine translation, or a counsellor's original words; the row is the message's sequence number.</summary>
    Translation = 7,
}

/// <summary>A sealed value failed to authenticate: altered, moved to another row, or sealed with another key.</summary>
public sealed class SealedDataException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// One person's data key (AES-256-GCM), unwrapped for the duration of a turn or a read. Sealed values are
/// <c>format(1) | nonce(12) | tag(16) | ciphertext</c> with a random nonce, authenticated with the conversation id,
/// the field and the row. Destroying the wrapped key (erasure) leaves every copy of the ciphertext unreadable.
/// </summary>
public sealed class PersonKey : IDisposable
{
    private const byte Format = 1;
    private const int Header = 1 + AesGcmLayout.NonceSize + AesGcmLayout.TagSize;

    private readonly AesGcm _aes;
    private readonly byte[] _conversationIdHash;

    internal PersonKey(string conversationId, ReadOnlySpan<byte> key)
    {
        ConversationId = conversationId;
        _conversationIdHash = SHA256.HashData(Encoding.UTF8.GetBytes(conversationId));
        _aes = new AesGcm(key, AesGcmLayout.TagSize);
    }

    public string ConversationId { get; }

    /// <summary>Whether a stored value is sealed at all (the legacy upgrade finds plaintext by this).</summary>
    public static bool IsSealed(ReadOnlySpan<byte> stored) => stored.Length >= Header && stored[0] == Format;

    public byte[] Seal(SealedField field, long row, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[Header + plaintext.Length];
        output[0] = Format;
        var nonce = output.AsSpan(1, AesGcmLayout.NonceSize);
        RandomNumberGenerator.Fill(nonce);
        Span<byte> aad = stackalloc byte[AadLength];
        _aes.Encrypt(nonce, plaintext, output.AsSpan(Header), output.AsSpan(1 + AesGcmLayout.NonceSize, AesGcmLayout.TagSize), Aad(aad, field, row));
        return output;
    }

    public byte[] Seal(SealedField field, long row, string text)
    {
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        var length = Encoding.UTF8.GetBytes(text, rented);
        try
        {
            return Seal(field, row, rented.AsSpan(0, length));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(rented.AsSpan(0, length));
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public byte[] Open(SealedField field, long row, ReadOnlySpan<byte> stored)
    {
        if (!IsSealed(stored))
        {
            throw new SealedDataException($"A {field} of a conversation is not sealed.", new CryptographicException("missing header"));
        }

        var plaintext = new byte[stored.Length - Header];
        Span<byte> aad = stackalloc byte[AadLength];
        try
        {
            _aes.Decrypt(stored.Slice(1, AesGcmLayout.NonceSize), stored[Header..], stored.Slice(1 + AesGcmLayout.NonceSize, AesGcmLayout.TagSize), plaintext, Aad(aad, field, row));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new SealedDataException($"A {field} of a conversation does not authenticate: it was altered or moved.", ex);
        }

        return plaintext;
    }

    public string OpenString(SealedField field, long row, ReadOnlySpan<byte> stored) => Encoding.UTF8.GetString(Open(field, row, stored));

    public void Dispose() => _aes.Dispose();

    private const int AadLength = 2 + sizeof(long) + 32;

    /// <summary>format | field | row | SHA-256 of the conversation id: fixed length, whatever the id.</summary>
    private ReadOnlySpan<byte> Aad(Span<byte> buffer, SealedField field, long row)
    {
        buffer[0] = Format;
        buffer[1] = (byte)field;
        BinaryPrimitives.WriteInt64BigEndian(buffer[2..], row);
        _conversationIdHash.CopyTo(buffer[10..]);
        return buffer;
    }
}
