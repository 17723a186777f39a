using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;

namespace Avrr.Bot.Tests.Infrastructure;

/// <summary>
/// Debian's nginx, started for one test in a temporary directory with the repository's own
/// <c>deployment/nginx/avrr.conf.template</c> (copied beside the tests), rendered as the nginx image renders it: every
/// <c>${AVRR_*}</c> replaced, nginx's own variables left alone. TLS with a certificate made for the test.
/// </summary>
public sealed partial class NginxServer : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/nginx";

    private readonly string _directory;
    private readonly Process _process;
    private readonly StringBuilder _log;

    private NginxServer(string directory, Process process, StringBuilder log, int httpsPort, X509Certificate2 certificate)
    {
        _directory = directory;
        _process = process;
        _log = log;
        HttpsPort = httpsPort;
        Certificate = certificate;
    }

    public int HttpsPort { get; }

    public string BaseUrl => $"https://127.0.0.1:{HttpsPort}";

    /// <summary>The server's certificate: clients of the test trust exactly this one.</summary>
    public X509Certificate2 Certificate { get; }

    public static string TemplatePath => Path.Combine(AppContext.BaseDirectory, "deployment", "nginx", "avrr.conf.template");

    /// <summary>Which instance (host:port) served each request, in order, from the template's access log.</summary>
    public IReadOnlyList<(string Method, string Path, int Status, string Upstream)> Served
    {
        get
        {
            string text;
            lock (_log)
            {
                text = _log.ToString();
            }

            return [.. AccessLine().Matches(text).Select(m => (m.Groups[1].Value, m.Groups[2].Value, int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups[4].Value))];
        }
    }

    /// <param name="upstreams">host:port of the two instances.</param>
    public static async Task<NginxServer> StartAsync(string upstream1, string upstream2)
    {
        var directory = Directory.CreateTempSubdirectory("avrr-nginx-").FullName;
        var temp = Directory.CreateDirectory(Path.Combine(directory, "temp")).FullName;
        // Workers run as nobody when nginx starts as root: they write request bodies here.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, (UnixFileMode)0x1FF);
        }
        var certificate = CreateCertificate();
        await File.WriteAllTextAsync(Path.Combine(directory, "cert.pem"), certificate.ExportCertificatePem());
        using (var key = certificate.GetRSAPrivateKey()!)
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "key.pem"), key.ExportPkcs8PrivateKeyPem());
        }

        var httpsPort = BotProcess.FreePort();
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AVRR_SERVER_NAME"] = "127.0.0.1 localhost",
            ["AVRR_HTTPS_PORT"] = httpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AVRR_HTTP_PORT"] = BotProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AVRR_TLS_CERTIFICATE"] = Path.Combine(directory, "cert.pem"),
            ["AVRR_TLS_KEY"] = Path.Combine(directory, "key.pem"),
            ["AVRR_BOT_1"] = upstream1,
            ["AVRR_BOT_2"] = upstream2,
        };
        var rendered = Render(await File.ReadAllTextAsync(TemplatePath), values);
        await File.WriteAllTextAsync(Path.Combine(directory, "avrr.conf"), rendered);
        // What the nginx image's own nginx.conf does around the templates it renders: the main context and an http
        // block that includes them.
        await File.WriteAllTextAsync(Path.Combine(directory, "nginx.conf"), $$"""
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log stderr warn;
            events { worker_connections 512; }
            http {
                client_body_temp_path {{temp}}/body;
                proxy_temp_path {{temp}}/proxy;
                fastcgi_temp_path {{temp}}/fastcgi;
                uwsgi_temp_path {{temp}}/uwsgi;
                scgi_temp_path {{temp}}/scgi;
                include {{directory}}/avrr.conf;
            }
            """);

        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-p", directory, "-e", "stderr", "-c", Path.Combine(directory, "nginx.conf"), "-g", "daemon off;" })
        {
            start.ArgumentList.Add(argument);
        }

        var log = new StringBuilder();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new NginxServer(directory, process, log, httpsPort, certificate);
        // Listening is enough: a request would go to the instances, which may not be up yet, and mark them failed.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited with {process.ExitCode}: {log}");
            }

            try
            {
                using var connection = new System.Net.Sockets.TcpClient();
                await connection.ConnectAsync(System.Net.IPAddress.Loopback, httpsPort);
                return server;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(100);
            }
        }

        await server.DisposeAsync();
        throw new TimeoutException($"nginx did not answer in 10 s: {log}");
    }

    /// <summary>envsubst as the nginx image runs it: only the named variables.</summary>
    public static string Render(string template, IReadOnlyDictionary<string, string> values)
    {
        var rendered = Placeholder().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);
        var missing = Placeholder().Matches(rendered).Select(m => m.Value).Distinct().ToList();
        return missing.Count == 0 ? rendered : throw new InvalidOperationException("Template values missing: " + string.Join(", ", missing));
    }

    /// <summary>An HTTP/1.1 client of nginx that trusts its certificate and nothing else.</summary>
    public HttpClient CreateClient() => new(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => IsOwn(presented) } })
    {
        BaseAddress = new Uri(BaseUrl),
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>Whether a TLS peer presented this server's certificate: what its clients trust.</summary>
    public bool IsOwn(X509Certificate? presented) => presented is not null && presented.GetCertHashString() == Certificate.GetCertHashString();

    public string Log()
    {
        lock (_log)
        {
            return _log.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Certificate.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.AppendLine(line);
        }
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
    }

    [GeneratedRegex(@"\$\{(AVRR_[A-Z0-9_]+)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"""(GET|POST|PUT|DELETE|HEAD|OPTIONS) (\S+)"" (\d{3}) \d+ upstream=(\S+)")]
    private static partial Regex AccessLine();
}

/// <summary>A fact that needs Debian's nginx and PostgreSQL (packages <c>nginx-light</c> or <c>nginx</c>, <c>postgresql</c>).</summary>
public sealed class ScaleOutFactAttribute : FactAttribute
{
    public ScaleOutFactAttribute()
    {
        if ((!File.Exists(NginxServer.Binary) || PostgresServer.FindBinaries() is null) && Environment.GetEnvironmentVariable("AVRR_REQUIRE_E2E") != "1")
        {
            Skip = "nginx (/usr/sbin/nginx) or the PostgreSQL server binaries are missing (apt-get install nginx-light postgresql); set AVRR_REQUIRE_E2E=1 to fail instead.";
        }
    }
}
