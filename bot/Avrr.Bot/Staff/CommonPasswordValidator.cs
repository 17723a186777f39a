using System.Reflection;
using Microsoft.AspNetCore.Identity;

namespace Avrr.Bot.Staff;

/// <summary>
/// Refuses passwords from a shipped list of about 49,000 common and breached ones (ASVS 6.2.4), also when a few digits
/// or symbols are added to one, when letters are swapped for look-alike digits, or when it contains the account's name.
/// </summary>
internal sealed class CommonPasswordValidator : IPasswordValidator<IdentityUser>
{
    private static readonly Lazy<HashSet<string>> Common = new(Load);

    public Task<IdentityResult> ValidateAsync(UserManager<IdentityUser> manager, IdentityUser user, string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return Task.FromResult(IdentityResult.Success);
        }

        var normalized = password.Trim().ToLowerInvariant();
        var local = (user.Email ?? user.UserName ?? "").Split('@')[0].ToLowerInvariant();
        var weak = IsCommon(normalized) || IsCommon(Unleet(normalized))
            || normalized.Distinct().Count() <= 2
            || local.Length >= 4 && normalized.Contains(local, StringComparison.Ordinal);
        return Task.FromResult(weak
            ? IdentityResult.Failed(new IdentityError
            {
                Code = "CommonPassword",
                Description = "This password is too easy to guess: it is a common one, a common word with a few characters added, or your name. Choose a passphrase of several unrelated words.",
            })
            : IdentityResult.Success);
    }

    /// <summary>The password, or its core without the digits and symbols people add around a word, is on the list.</summary>
    private static bool IsCommon(string password)
    {
        if (Common.Value.Contains(password))
        {
            return true;
        }

        var core = password.Trim(" 0123456789!?.,;:-_+*#@$%&/\\()[]{}'\"~^=|<>".ToCharArray());
        return core.Length >= 4 && Common.Value.Contains(core);
    }

    private static string Unleet(string password) => new([.. password.Select(c => c switch
    {
        '0' => 'o',
        '1' => 'i',
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '7' => 't',
        '@' => 'a',
        '$' => 's',
        _ => c,
    })]);

    private static HashSet<string> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Avrr.Bot.common-passwords.txt")
            ?? throw new InvalidOperationException("The common password list is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                set.Add(line);
            }
        }

        return set;
    }
}
