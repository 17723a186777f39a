using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Avrr.Bot.Privacy;

/// <summary>The row numbers that bind a sealed value to its row, where the row has no number of its own.</summary>
internal static class SealedRows
{
    /// <summary>An inbox row is keyed by its dedupe hash, a string: its payload is bound to a number derived from it.</summary>
    public static long InboxPayload(string dedupeHash) => BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(dedupeHash)));
}
