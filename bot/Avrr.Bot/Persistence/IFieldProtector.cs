namespace Avrr.Bot.Persistence;

/// <summary>
/// The one place every stored field that can hold personal data passes through, so field-level encryption
/// (roadmap: per-person AES-GCM keys) can be added here without touching the stores.
/// </summary>
public interface IFieldProtector
{
    string Protect(string conversationId, string plaintext);

    string Unprotect(string conversationId, string stored);
}

/// <summary>Stores fields as they are. Replaced by the encrypting protector when encryption at rest lands.</summary>
internal sealed class PlainFieldProtector : IFieldProtector
{
    public string Protect(string conversationId, string plaintext) => plaintext;

    public string Unprotect(string conversationId, string stored) => stored;
}
