namespace Avrr.Bot.Hosting;

/// <summary>
/// The page and scripts are found whatever the working directory: beside the binary when published, and from the
/// project's wwwroot (through the static web assets manifest) when run with <c>dotnet run</c>.
/// </summary>
internal static class WebRoot
{
    public static string? Locate()
    {
        var published = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        return Directory.Exists(published) ? published : null;
    }

    public static WebApplicationBuilder UseWebRootFromBuild(this WebApplicationBuilder builder)
    {
        // Outside Development the SDK does not map the project's wwwroot by itself; the manifest is absent once published.
        builder.WebHost.UseStaticWebAssets();
        return builder;
    }
}
