using System.Text;
using System.Xml.Linq;
using Avrr.Bot.Persistence;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.EntityFrameworkCore;

namespace Avrr.Bot.Privacy;

/// <summary>
/// Encrypts the ASP.NET Core key ring (the keys behind staff cookies and antiforgery tokens) with the master key before
/// it is stored in the database, so a copy of the database alone cannot forge a staff session.
/// </summary>
internal sealed class MasterKeyXmlEncryptor(KeyRing keys) : IXmlEncryptor
{
    internal const string ElementName = "wrappedByMasterKey";
    internal const string Purpose = "data protection key";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var wrapped = keys.Wrap(Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting)), Purpose);
        return new EncryptedXmlInfo(
            new XElement(ElementName, new XAttribute("masterKey", keys.CurrentKeyId), Convert.ToBase64String(wrapped)),
            typeof(MasterKeyXmlDecryptor));
    }

    /// <summary>The same element wrapped by the current master key (rotation); null when it already is.</summary>
    internal static XElement? Rewrap(KeyRing keys, XElement element)
    {
        var wrapped = Convert.FromBase64String(element.Value);
        return keys.IsCurrent(wrapped)
            ? null
            : new XElement(ElementName, new XAttribute("masterKey", keys.CurrentKeyId), Convert.ToBase64String(keys.Rewrap(wrapped, Purpose)));
    }
}

/// <summary>Found by name in the stored key XML and created by the data protection system.</summary>
public sealed class MasterKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var keys = services.GetRequiredService<KeyRing>();
        return XElement.Parse(Encoding.UTF8.GetString(keys.Unwrap(Convert.FromBase64String(encryptedElement.Value), MasterKeyXmlEncryptor.Purpose)));
    }
}

/// <summary>
/// Key ring entries stored before they were encrypted are removed at start-up: staff sign in once more, and the new key
/// the system makes is encrypted. Keeping them would leave a way to forge sessions in every backup.
/// </summary>
internal sealed partial class UnencryptedKeyRingCleanup(IDbContextFactory<AvrrDbContext> contexts, ILogger<UnencryptedKeyRingCleanup> logger)
{
    public async Task RunAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var keys = await db.DataProtectionKeys.ToListAsync(ct);
        var plaintext = keys.Where(k => k.Xml is { } xml && !xml.Contains("<" + MasterKeyXmlEncryptor.ElementName, StringComparison.Ordinal)).ToList();
        if (plaintext.Count == 0)
        {
            return;
        }

        db.DataProtectionKeys.RemoveRange(plaintext);
        await db.SaveChangesAsync(ct);
        Log.Removed(logger, plaintext.Count);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Removed {Count} unencrypted staff sign-in keys stored before encryption at rest; staff sign in once more")]
        public static partial void Removed(ILogger logger, int count);
    }
}
