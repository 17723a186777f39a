using Avrr.Bot.Cli;

namespace Avrr.Bot.Tests.Cli;

public sealed class KnowledgeValidateCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "avrr-validate", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static (int? Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CommandLine.TryRun(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void The_shipped_content_validates_with_exit_code_zero()
    {
        var (code, output, _) = Run("knowledge", "validate");

        Assert.Equal(0, code);
        Assert.Contains("valid", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Broken_content_prints_file_and_line_and_exits_non_zero()
    {
        CopyShippedContent();
        var programme = Path.Combine(_directory, "programmes", "de.yaml");
        File.WriteAllText(programme, File.ReadAllText(programme).Replace("exclude_when: { prison: [\"yes\"] }", "exclude_when: { jail: [\"yes\"] }", StringComparison.Ordinal));

        var (code, output, _) = Run("knowledge", "validate", _directory);

        Assert.Equal(1, code);
        Assert.Contains(Path.Combine(_directory, "programmes", "de.yaml") + ":", output, StringComparison.Ordinal);
        Assert.Contains("unknown question 'jail'", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_arguments_start_the_host_and_a_wrong_verb_prints_usage()
    {
        Assert.Null(Run("--urls", "http://127.0.0.1:5999").Code);
        var (code, _, error) = Run("knowledge", "check");
        Assert.Equal(2, code);
        Assert.Contains("usage", error, StringComparison.Ordinal);
        Assert.Equal(2, Run("knowledge", "validate", "/does/not/exist").Code);
    }

    private void CopyShippedContent()
    {
        var source = Path.Combine(AppContext.BaseDirectory, "knowledge", "content");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_directory, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
