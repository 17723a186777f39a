using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace Avrr.Bot.Tests.Infrastructure;

/// <summary>A signed-in staff member using the console's JSON API over HTTP, with the page's antiforgery token, like the browser.</summary>
internal sealed partial class ConsoleClient : IDisposable
{
    private readonly HttpClient _http;
    private string _token = "";
    private string _cookie = "";

    private ConsoleClient(HttpClient http) => _http = http;

    public HttpClient Http => _http;

    public static async Task<ConsoleClient> SignInAsync(BotFactory bot, string email)
    {
        var client = new ConsoleClient(bot.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        var signedIn = await Admin.StaffSignInTests.SignInAsync(client._http, email, StaffAccounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        client._cookie = signedIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("avrr.staff=", StringComparison.Ordinal));
        var page = await client._http.GetStringAsync(new Uri("/console", UriKind.Relative));
        client._token = PageToken().Match(page).Groups[1].Value;
        Assert.NotEmpty(client._token);
        return client;
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(new Uri("/api/console" + path, UriKind.Relative));

    public async Task<JsonObject> GetJsonAsync(string path)
    {
        var response = await GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public async Task<HttpResponseMessage> PostAsync(string path, object? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/console" + path, UriKind.Relative)) { Content = JsonContent.Create(body ?? new { }) };
        request.Headers.Add("RequestVerificationToken", _token);
        return await _http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> PutAsync(string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri("/api/console" + path, UriKind.Relative)) { Content = JsonContent.Create(body) };
        request.Headers.Add("RequestVerificationToken", _token);
        return await _http.SendAsync(request);
    }

    /// <summary>The console's live connection (SignalR over long polling through the test server), signed in as this staff member.</summary>
    public async Task<Microsoft.AspNetCore.SignalR.Client.HubConnection> ConnectLiveAsync(BotFactory bot)
    {
        var connection = new Microsoft.AspNetCore.SignalR.Client.HubConnectionBuilder()
            .WithUrl(new Uri(bot.Server.BaseAddress, "/console/hub"), options =>
            {
                options.HttpMessageHandlerFactory = _ => bot.Server.CreateHandler();
                options.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling;
                options.Headers["Cookie"] = _cookie;
            })
            .Build();
        await connection.StartAsync();
        return connection;
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("data-token=\"([^\"]+)\"")]
    private static partial Regex PageToken();
}
