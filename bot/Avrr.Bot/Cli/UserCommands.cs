using Avrr.Bot.Audit;
using Avrr.Bot.Staff;
using Microsoft.AspNetCore.Identity;

namespace Avrr.Bot.Cli;

/// <summary>
/// <c>users add --email … --role Admin|Supervisor|Counsellor [--password-stdin]</c>: creates a staff account on the
/// configured database. Without <c>--password-stdin</c> the password is prompted for (hidden) on a terminal, or
/// generated and printed once.
/// </summary>
internal static class UserCommands
{
    public static bool Matches(string[] args) => args is ["users", ..];

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        if (args is not ["users", "add", .. var rest] || Option(rest, "--email") is not { } email || Option(rest, "--role") is not { } roleText)
        {
            error.WriteLine("usage: Avrr.Bot users add --email <address> --role Admin|Supervisor|Counsellor [--password-stdin]");
            return 2;
        }

        var role = StaffRoles.All.FirstOrDefault(r => r.Equals(roleText, StringComparison.OrdinalIgnoreCase));
        if (role is null)
        {
            error.WriteLine($"unknown role '{roleText}': use Admin, Supervisor or Counsellor");
            return 2;
        }

        string password;
        var generated = false;
        if (rest.Contains("--password-stdin"))
        {
            password = (input.ReadLine() ?? "").Trim();
        }
        else if (!System.Console.IsInputRedirected && Environment.UserInteractive)
        {
            password = Prompt("Password (empty to generate one): ");
            if (password.Length > 0 && Prompt("Repeat the password: ") != password)
            {
                error.WriteLine("the passwords differ; nothing was created");
                return 1;
            }
        }
        else
        {
            password = "";
        }

        if (password.Length == 0)
        {
            password = StaffPasswords.Generate();
            generated = true;
        }

        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        if (await users.FindByEmailAsync(email) is not null)
        {
            error.WriteLine($"{email}: an account with this email already exists; nothing was changed");
            return 1;
        }

        var user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            foreach (var problem in created.Errors)
            {
                error.WriteLine($"{email}: {problem.Description}");
            }

            return 1;
        }

        await users.AddToRoleAsync(user, role);
        await scope.ServiceProvider.GetRequiredService<AuditTrail>().WriteAsync("command line", "user.add", email, role, CancellationToken.None);
        output.WriteLine($"Created {role} account {email}.");
        if (generated)
        {
            // Shown once and stored nowhere: the person changes it after signing in.
            output.WriteLine($"Password (shown only now): {password}");
        }

        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static string Prompt(string label)
    {
        System.Console.Write(label);
        var text = new System.Text.StringBuilder();
        while (System.Console.ReadKey(intercept: true) is var key && key.Key != ConsoleKey.Enter)
        {
            if (key.Key == ConsoleKey.Backspace && text.Length > 0)
            {
                text.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }

        System.Console.WriteLine();
        return text.ToString();
    }
}
