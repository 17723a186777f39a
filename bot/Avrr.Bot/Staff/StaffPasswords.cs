using System.Security.Cryptography;

namespace Avrr.Bot.Staff;

public static class StaffPasswords
{
    /// <summary>Five groups of five from an unambiguous alphabet: about 120 bits, easy to type once.</summary>
    public static string Generate()
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
        var groups = Enumerable.Range(0, 5).Select(_ => new string(Enumerable.Range(0, 5).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]).ToArray()));
        return string.Join('-', groups);
    }
}
