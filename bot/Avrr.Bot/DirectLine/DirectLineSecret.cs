using System.Security.Cryptography;
using System.Text;
using Avrr.Bot.Privacy;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.DirectLine;

/// <summary>
/// The Direct Line master secret: from configuration, or generated once and kept wrapped in the database. Tokens are signed
/// with a key derived from it, so changing the secret revokes every token.
/// </summary>
public sealed class DirectLineSecret
{
    private const string SettingKey = "directline.secret";
    private byte[]? _secret;
    private byte[]? _signingKey;

    public byte[] SigningKey => _signingKey ?? throw new InvalidOperationException("The Direct Line secret is not loaded yet.");

    /// <summary>Constant-time check of a presented secret.</summary>
    public bool Matches(string presented)
    {
        var secret = _secret ?? throw new InvalidOperationException("The Direct Line secret is not loaded yet.");
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(secret));
    }

    internal async Task LoadAsync(IOptions<DirectLineOptions> options, HostSecrets secrets, CancellationToken ct)
    {
        var configured = options.Value.Secret;
        // Generated once and kept wrapped by the master key: a database backup alone cannot mint tokens.
        _secret = string.IsNullOrWhiteSpace(configured)
            ? await secrets.GetOrCreateAsync(SettingKey, () => Encoding.UTF8.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))), ct)
            : Encoding.UTF8.GetBytes(configured);
        _signingKey = HMACSHA256.HashData(_secret, "avrr/directline/token-signing"u8);
    }
}
