using Avrr.Bot.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Avrr.Bot.Tests.ScaleOut;

/// <summary>
/// The deployment files agree with what the tests run: compose.yaml gives nginx the template the scale-out test
/// runs, with a value for each of its placeholders and the two bot services as upstreams; the Dockerfile publishes
/// with the script CI runs, and checks health with the command the bot has.
/// </summary>
public sealed class DeploymentFilesTests
{
    private static readonly string Repository = FindRepository();

    [Fact]
    public void Compose_runs_the_tested_nginx_template_in_front_of_two_read_only_bot_services_on_postgres()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Repository, "deployment", "compose.yaml")))
        {
            yaml.Load(reader);
        }

        var services = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
        var nginx = (YamlMappingNode)services["nginx"];
        Assert.Contains("./nginx/avrr.conf.template:/etc/nginx/templates/avrr.conf.template:ro", Strings(nginx["volumes"]));
        var environment = ((YamlMappingNode)nginx["environment"]).Children.ToDictionary(p => p.Key.ToString(), p => p.Value.ToString(), StringComparer.Ordinal);

        // Every placeholder has a value (Render throws otherwise), and the template's file is the one the test copies.
        var rendered = NginxServer.Render(File.ReadAllText(Path.Combine(Repository, "deployment", "nginx", "avrr.conf.template")), environment);
        Assert.Equal(File.ReadAllText(NginxServer.TemplatePath), File.ReadAllText(Path.Combine(Repository, "deployment", "nginx", "avrr.conf.template")));
        Assert.Contains("proxy_set_header Upgrade $http_upgrade;", rendered, StringComparison.Ordinal);

        foreach (var upstream in new[] { environment["AVRR_BOT_1"], environment["AVRR_BOT_2"] })
        {
            var (name, port) = (upstream.Split(':')[0], upstream.Split(':')[1]);
            var bot = (YamlMappingNode)services[name];
            Assert.Equal("5080", port);
            Assert.Equal("deployment/Dockerfile", ((YamlMappingNode)bot["build"])["dockerfile"].ToString());
            Assert.Equal("true", bot["read_only"].ToString());
            Assert.Equal("Postgres", ((YamlMappingNode)bot["environment"])["Storage__Provider"].ToString());
            Assert.Contains("master_key", Strings(bot["secrets"]));
        }

        Assert.NotEqual(environment["AVRR_BOT_1"], environment["AVRR_BOT_2"]);
    }

    [Fact]
    public void The_image_is_published_by_the_script_ci_runs_and_checks_itself_with_the_health_command()
    {
        var dockerfile = File.ReadAllLines(Path.Combine(Repository, "deployment", "Dockerfile"));
        Assert.Contains("RUN bash deployment/publish.sh /app", dockerfile);
        Assert.Contains(dockerfile, l => l.StartsWith("HEALTHCHECK ", StringComparison.Ordinal) && l.EndsWith("""CMD ["dotnet", "/app/Avrr.Bot.dll", "health"]""", StringComparison.Ordinal));
        Assert.Contains("USER $APP_UID", dockerfile);
        Assert.Contains(dockerfile, l => l.Contains("ASPNETCORE_HTTP_PORTS=5080", StringComparison.Ordinal));
        Assert.Contains(File.ReadAllLines(Path.Combine(Repository, ".ci", "run")), l => l.Contains("bash deployment/publish.sh", StringComparison.Ordinal));
    }

    [Fact]
    public void The_health_command_asks_the_instances_own_port()
    {
        Assert.Equal("http://127.0.0.1:5080/healthz", Avrr.Bot.Cli.HealthCommand.DefaultUrl(null));
        Assert.Equal("http://127.0.0.1:8080/healthz", Avrr.Bot.Cli.HealthCommand.DefaultUrl("8080;8081"));
    }

    [Fact]
    public async Task The_azure_template_passes_bicep_lint_and_builds_the_bot_registration_with_teams_the_vault_and_two_instances()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            // The Bicep CLI package the tests restore is the linux-x64 one.
            return;
        }

        var bicep = typeof(DeploymentFilesTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value!;
        var template = Path.Combine(Repository, "deployment", "azure", "main.bicep");

        var (lintCode, lintOutput) = await RunAsync(bicep, "lint", template);
        Assert.True(lintCode == 0 && lintOutput.Trim().Length == 0, lintOutput);
        var (buildCode, json) = await RunAsync(bicep, "build", template, "--stdout");
        Assert.True(buildCode == 0, json);

        var arm = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        var resources = arm["resources"]!.AsArray().Select(r => r!).ToList();
        string[] types = ["Microsoft.BotService/botServices", "Microsoft.BotService/botServices/channels", "Microsoft.KeyVault/vaults", "Microsoft.DBforPostgreSQL/flexibleServers", "Microsoft.App/containerApps", "Microsoft.CognitiveServices/accounts"];
        foreach (var type in types)
        {
            Assert.Contains(resources, r => r["type"]!.GetValue<string>() == type);
        }

        Assert.Equal(2, arm["parameters"]!["minReplicas"]!["defaultValue"]!.GetValue<int>());
        Assert.Contains("/api/messages", json, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Offline: no telemetry, no registry lookups (the template uses no modules).
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    private static IEnumerable<string> Strings(YamlNode node) => ((YamlSequenceNode)node).Children.Select(c => c.ToString());

    private static string FindRepository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Avrr.Bot.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The tests run from outside the repository.");
    }
}
