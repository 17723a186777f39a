using System.Security.Cryptography;

namespace Avrr.Bot.Persistence;

public static class ConversationIds
{
    /// <summary>128 random bits in hex: an id says nothing about the person or the channel and cannot be guessed.</summary>
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
