using System.Security.Cryptography;
using Avrr.Bot.Privacy;

namespace Avrr.Bot.Benchmarks;

/// <summary>
/// Exactly the cryptography one product turn does, on payloads of the sizes the product stored in this run: unwrap the
/// person's key, open and seal the state, seal the inbound activity and the replies. Measured in the same run as the
/// turn, it is what encryption at rest costs a turn.
/// </summary>
internal sealed class EncryptionWork(KeyRing keys, int stateBytes, int activityBytes, int activitiesPerTurn)
{
    private const string ConversationId = "0123456789abcdef0123456789abcdef";
    private readonly byte[] _wrapped = Wrap(keys);
    private readonly byte[] _state = RandomNumberGenerator.GetBytes(stateBytes);
    private readonly byte[] _activity = RandomNumberGenerator.GetBytes(activityBytes);
    private byte[]? _sealedState;

    public int StateBytes => stateBytes;

    public int ActivityBytes => activityBytes;

    public int ActivitiesPerTurn => activitiesPerTurn;

    /// <summary>Average sizes from the product's own store after the warm-up.</summary>
    public static EncryptionWork FromStore(KeyRing keys, System.Data.Common.DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT AVG(LENGTH(state)) FROM conversations WHERE state IS NOT NULL),
                   (SELECT AVG(LENGTH(payload)) FROM activities),
                   CAST((SELECT COUNT(*) FROM activities) AS REAL) / (SELECT COUNT(*) FROM inbox)
            """;
        using var reader = command.ExecuteReader();
        reader.Read();
        const int overhead = 29;
        return new EncryptionWork(keys, (int)Convert.ToDouble(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) - overhead,
            (int)Convert.ToDouble(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture) - overhead, (int)Math.Round(Convert.ToDouble(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture)));
    }

    public void Turn()
    {
        using var key = keys.OpenPersonKey(ConversationId, _wrapped);
        if (_sealedState is not null)
        {
            key.Open(SealedField.ConversationState, 0, _sealedState);
        }

        _sealedState = key.Seal(SealedField.ConversationState, 0, _state);
        for (var i = 0; i < activitiesPerTurn; i++)
        {
            key.Seal(SealedField.Activity, i, _activity);
        }
    }

    private static byte[] Wrap(KeyRing keys)
    {
        keys.NewPersonKey(ConversationId, out var wrapped).Dispose();
        return wrapped;
    }
}
