using Avrr.Bot.Common;
using Avrr.Bot.Persistence;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Privacy;

internal static class PrivacySetup
{
    private const string LookupKeySetting = "privacy.lookup_key";

    /// <summary>Encryption at rest (master keys, per-person data keys, keyed lookups), erasure and retention.</summary>
    public static WebApplicationBuilder AddPrivacy(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PrivacyOptions>().BindConfiguration(PrivacyOptions.Section)
            .Validate(o => o.Retention.Conversations > TimeSpan.Zero && o.Retention.ClosedCases > TimeSpan.Zero && o.Retention.Audit > TimeSpan.Zero
                && o.Retention.SweepInterval > TimeSpan.Zero && o.Retention.WithoutConsent > TimeSpan.Zero && o.Retention.DedupeKeys > TimeSpan.Zero,
                "Privacy:Retention: every period must be a positive TimeSpan (e.g. 30.00:00:00 for 30 days, 00:00:02 for two seconds).")
            .ValidateOnStart();
        builder.Services.AddSingleton(services => MasterKeySource.Load(
            services.GetRequiredService<IOptions<PrivacyOptions>>().Value,
            services.GetRequiredService<IOptions<StorageOptions>>().Value,
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MasterKeySource).FullName!)));
        builder.Services.AddSingleton<BlindIndex>();
        builder.Services.AddSingleton<HostSecrets>();
        builder.Services.AddSingleton<LegacyDataUpgrade>();
        builder.Services.AddSingleton<ErasureFollowUp>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ErasureFollowUp>());
        builder.Services.AddSingleton<UnencryptedKeyRingCleanup>();
        builder.Services.AddSingleton<PersonalDataStore>();
        builder.Services.AddSingleton<KeyRotation>();
        builder.Services.AddSingleton<RetentionSweep>();
        builder.Services.AddHostedService(services => services.GetRequiredService<RetentionSweep>());
        builder.Services.AddSingleton<IStartupStep, PrivacyStartup>();
        builder.Services.AddOptions<KeyManagementOptions>().Configure<KeyRing>((options, keys) => options.XmlEncryptor = new MasterKeyXmlEncryptor(keys));
        return builder;
    }

    /// <summary>
    /// Before traffic: the master key must open what the database holds (a wrong or missing key stops the host with
    /// the key ids it needs), the lookup key is loaded, and data from before encryption is sealed.
    /// </summary>
    private sealed class PrivacyStartup(HostSecrets secrets, BlindIndex index, LegacyDataUpgrade upgrade, UnencryptedKeyRingCleanup keyRing) : IStartupStep
    {
        public async Task RunAsync(CancellationToken ct)
        {
            index.Load(await secrets.GetOrCreateAsync(LookupKeySetting, () => System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), ct));
            await upgrade.RunAsync(ct);
            await keyRing.RunAsync(ct);
        }
    }
}
