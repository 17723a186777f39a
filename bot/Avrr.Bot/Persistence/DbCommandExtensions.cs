using System.Data.Common;

namespace Avrr.Bot.Persistence;

internal static class DbCommandExtensions
{
    /// <summary>A named parameter in the provider's own type (SQLite and PostgreSQL both take <c>@name</c>); null is SQL NULL.</summary>
    public static void AddParameter(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
