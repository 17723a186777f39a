using System.Security.Cryptography;
using Avrr.Bot.Persistence;
using Microsoft.Data.Sqlite;

namespace Avrr.Bot.Privacy;

/// <summary>
/// Where the master keys come from: <c>Privacy:MasterKey</c> (environment), <c>Privacy:MasterKeyFile</c>, plus
/// <c>Privacy:PreviousMasterKeys</c>. With none of them and SQLite, the first start generates <c>master.key</c> (mode
/// 0600) beside the database so the two-command start works; production keeps the key elsewhere, apart from backups.
/// </summary>
internal static partial class MasterKeySource
{
    public const string DefaultFileName = "master.key";

    public static KeyRing Load(PrivacyOptions options, StorageOptions storage, ILogger logger)
    {
        var keys = new List<byte[]>();
        if (!string.IsNullOrWhiteSpace(options.MasterKey))
        {
            keys.Add(Parse(options.MasterKey, "Privacy:MasterKey"));
        }

        var file = options.MasterKeyFile;
        if (string.IsNullOrWhiteSpace(file) && keys.Count == 0)
        {
            if (storage.Provider != StorageProvider.Sqlite)
            {
                throw new InvalidOperationException(
                    "No master key is configured. With PostgreSQL every instance must share one: set Privacy__MasterKey (base64 of 32 random bytes, " +
                    "e.g. from 'dotnet Avrr.Bot.dll keys generate') or Privacy:MasterKeyFile, kept outside the database and its backups.");
            }

            file = DefaultPath(storage.ConnectionString);
            if (!File.Exists(file))
            {
                Generate(file);
                Log.Generated(logger, file);
            }
        }

        if (!string.IsNullOrWhiteSpace(file))
        {
            if (!File.Exists(file))
            {
                throw new InvalidOperationException($"Privacy:MasterKeyFile '{file}' does not exist.");
            }

            keys.AddRange(File.ReadAllLines(file)
                .Select(line => line.Trim())
                .Where(line => line.Length > 0 && !line.StartsWith('#'))
                .Select(line => Parse(line, file)));
        }

        keys.AddRange(options.PreviousMasterKeys.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => Parse(k, "Privacy:PreviousMasterKeys")));
        if (keys.Count == 0)
        {
            throw new InvalidOperationException($"The master key file '{file}' holds no key.");
        }

        return new KeyRing(keys);
    }

    /// <summary>A new master key, as the one line a key file or <c>Privacy__MasterKey</c> holds.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    internal static string DefaultPath(string sqliteConnectionString)
    {
        var database = new SqliteConnectionStringBuilder(sqliteConnectionString).DataSource;
        var directory = Path.GetDirectoryName(Path.GetFullPath(database)) ?? ".";
        return Path.Combine(directory, DefaultFileName);
    }

    private static void Generate(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.WriteLine("# Avrr.Bot master key: without it the stored conversations cannot be read. Back it up apart from the database.");
        writer.WriteLine(NewKey());
    }

    private static byte[] Parse(string value, string where)
    {
        try
        {
            var key = Convert.FromBase64String(value.Trim());
            if (key.Length == 32)
            {
                return key;
            }
        }
        catch (FormatException)
        {
        }

        throw new InvalidOperationException($"{where}: a master key must be base64 of 32 random bytes (e.g. from 'keys generate').");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Generated a new master key at {Path}. It protects every stored conversation: in production keep it outside the data folder and its backups (Privacy:MasterKeyFile or Privacy__MasterKey), and back it up separately.")]
        public static partial void Generated(ILogger logger, string path);
    }
}
