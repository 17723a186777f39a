using System.Security.Cryptography;
using Avrr.Bot.Privacy;

namespace Avrr.Bot.Tests.Privacy;

public sealed class KeyRingTests
{
    private static readonly byte[] Old = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] New = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void A_sealed_value_opens_only_in_its_own_conversation_field_and_row()
    {
        var ring = new KeyRing([Old]);
        using var key = ring.NewPersonKey("c1", out var wrapped);
        var stored = key.Seal(SealedField.Activity, 7, "My name is Amina"u8);

        using var again = ring.OpenPersonKey("c1", wrapped);
        Assert.Equal("My name is Amina", again.OpenString(SealedField.Activity, 7, stored));
        Assert.Throws<SealedDataException>(() => again.Open(SealedField.Activity, 8, stored));
        Assert.Throws<SealedDataException>(() => again.Open(SealedField.ConversationState, 7, stored));
        Assert.Throws<KeyRingException>(() => ring.OpenPersonKey("c2", wrapped));

        stored[^1] ^= 1;
        Assert.Throws<SealedDataException>(() => again.Open(SealedField.Activity, 7, stored));
    }

    [Fact]
    public void The_same_plaintext_seals_differently_every_time()
    {
        using var key = new KeyRing([Old]).NewPersonKey("c1", out _);

        Assert.NotEqual(key.Seal(SealedField.Activity, 1, "same"u8), key.Seal(SealedField.Activity, 1, "same"u8));
    }

    [Fact]
    public void After_a_rotation_old_wraps_still_open_and_rewrapping_moves_them_to_the_new_key()
    {
        var before = new KeyRing([Old]);
        using var key = before.NewPersonKey("c1", out var wrapped);
        var stored = key.Seal(SealedField.ConversationState, 0, "{}"u8);

        var during = new KeyRing([New, Old]);
        Assert.False(during.IsCurrent(wrapped));
        var rewrapped = during.RewrapPersonKey("c1", wrapped);
        Assert.True(during.IsCurrent(rewrapped));

        // The data itself is untouched: the same person key opens it, now under the new master key only.
        var after = new KeyRing([New]);
        using var reopened = after.OpenPersonKey("c1", rewrapped);
        Assert.Equal("{}", reopened.OpenString(SealedField.ConversationState, 0, stored));
        var missing = Assert.Throws<KeyRingException>(() => after.OpenPersonKey("c1", wrapped));
        Assert.Contains(KeyRing.KeyIdOf(wrapped)!, missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrapped_secret_is_bound_to_its_purpose()
    {
        var ring = new KeyRing([Old]);
        var wrapped = ring.Wrap("lookup key"u8, "host setting privacy.lookup_key");

        Assert.Equal("lookup key"u8.ToArray(), ring.Unwrap(wrapped, "host setting privacy.lookup_key"));
        Assert.Throws<KeyRingException>(() => ring.Unwrap(wrapped, "host setting directline.secret"));
    }

    [Fact]
    public void A_master_key_of_the_wrong_size_is_refused_with_a_clear_message()
    {
        var error = Assert.Throws<KeyRingException>(() => new KeyRing([new byte[16]]));

        Assert.Contains("32 bytes", error.Message, StringComparison.Ordinal);
    }
}
