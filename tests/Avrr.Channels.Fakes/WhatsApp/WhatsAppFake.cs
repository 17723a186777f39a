using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Avrr.Channels.Fakes.WhatsApp;

/// <summary>
/// An exact fake of the WhatsApp Cloud API send side (the WhatsApp Cloud API reference) on 127.0.0.1: it checks the token,
/// the message limits and the 24-hour window as Meta does, answers with Graph's bodies, and records everything.
/// </summary>
// Over 400 lines on purpose: the test-facing surface and the request handling (token and path, read marks, sends
// within the window, scripted failures) share one lock and one state; the message limits are in MessageRules.
public sealed class WhatsAppFake : IAsyncDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(24);

    private readonly Lock _gate = new();
    private readonly WebApplication _app;
    private readonly string _accessToken;
    private readonly string _phoneNumberId;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, DateTimeOffset> _lastUserMessage = new(StringComparer.Ordinal);
    private readonly HashSet<string> _knownInbound = new(StringComparer.Ordinal);
    private readonly List<ScriptedFailure> _failures = [];
    private readonly List<WhatsAppSent> _sent = [];
    private readonly List<string> _readMarks = [];
    private readonly List<WhatsAppRequest> _requests = [];
    private TaskCompletionSource _changed = NewSignal();
    private long _sequence;

    private WhatsAppFake(WebApplication app, string accessToken, string phoneNumberId, TimeProvider time)
    {
        _app = app;
        _accessToken = accessToken;
        _phoneNumberId = phoneNumberId;
        _time = time;
    }

    /// <summary>"http://127.0.0.1:&lt;port&gt;/v23.0": what the bot uses in place of https://graph.facebook.com/v23.0.</summary>
    public string GraphBaseUrl { get; private set; } = "";

    /// <summary>Messages accepted (HTTP 200), oldest first. Rejected sends are only in <see cref="Requests"/>.</summary>
    public IReadOnlyList<WhatsAppSent> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    /// <summary>Message ids successfully marked read, oldest first.</summary>
    public IReadOnlyList<string> ReadMarks
    {
        get
        {
            lock (_gate)
            {
                return [.. _readMarks];
            }
        }
    }

    /// <summary>Every request received, with the status and Graph error code returned.</summary>
    public IReadOnlyList<WhatsAppRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Starts the fake on a free loopback port.</summary>
    /// <param name="time">The clock of the 24-hour window and of the records; the system clock when null.</param>
    public static async Task<WhatsAppFake> StartAsync(string accessToken, string phoneNumberId, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        ArgumentException.ThrowIfNullOrEmpty(phoneNumberId);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new WhatsAppFake(app, accessToken, phoneNumberId, time ?? TimeProvider.System);
        app.MapPost("/{version}/{phoneNumberId}/messages", fake.HandleMessagesAsync);
        app.MapFallback(fake.HandleUnknownAsync);

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        fake.GraphBaseUrl = $"{address.TrimEnd('/')}/v23.0";
        return fake;
    }

    /// <summary>Opens or resets the customer service window for <paramref name="waId"/>, as an inbound message does.</summary>
    public void UserMessaged(string waId, DateTimeOffset at)
    {
        var key = Digits(waId);
        lock (_gate)
        {
            if (!_lastUserMessage.TryGetValue(key, out var last) || at > last)
            {
                _lastUserMessage[key] = at;
            }
        }
    }

    /// <summary>Makes <paramref name="wamid"/> an inbound message the business may mark as read.</summary>
    public void Inbound(string wamid)
    {
        lock (_gate)
        {
            _knownInbound.Add(wamid);
        }
    }

    /// <summary>
    /// Fails the next <paramref name="times"/> message sends (to <paramref name="to"/> only, when given) with this Graph
    /// error, before any other check but the token and phone number id. Read marks are not affected.
    /// </summary>
    /// <param name="message">"(#130429) Rate limit hit" or just "Rate limit hit"; the prefix is added when missing.</param>
    public void FailNext(int code, string message, int httpStatus = 400, string? to = null, int times = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        lock (_gate)
        {
            _failures.Add(new ScriptedFailure(GraphError.Scripted(code, message, httpStatus), to, times));
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> messages to <paramref name="to"/> were accepted.</summary>
    /// <returns>All messages accepted for <paramref name="to"/> so far.</returns>
    /// <exception cref="TimeoutException">Lists everything sent, to show what happened instead.</exception>
    public async Task<IReadOnlyList<WhatsAppSent>> WaitForSentAsync(string to, int count, TimeSpan timeout)
    {
        await WaitUntilAsync(() => _sent.Count(s => s.To == to) >= count, timeout, () =>
            $"Expected {count} message(s) to {to} within {timeout}; sent: {Describe(_sent)}; requests: {Describe(_requests)}");
        lock (_gate)
        {
            return [.. _sent.Where(s => s.To == to)];
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> requests arrived, accepted or not (for error paths).</summary>
    public async Task<IReadOnlyList<WhatsAppRequest>> WaitForRequestsAsync(int count, TimeSpan timeout)
    {
        await WaitUntilAsync(() => _requests.Count >= count, timeout, () =>
            $"Expected {count} request(s) within {timeout}; got: {Describe(_requests)}");
        return Requests;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleMessagesAsync(HttpContext context)
    {
        var raw = await ReadBodyAsync(context.Request);
        var result = Handle(context, raw);
        await RespondAsync(context, raw, result);
    }

    private async Task HandleUnknownAsync(HttpContext context)
    {
        var raw = await ReadBodyAsync(context.Request);
        await RespondAsync(context, raw, new Outcome(GraphError.UnsupportedRequest(context.Request.Method)));
    }

    private Outcome Handle(HttpContext context, string raw)
    {
        var route = context.Request.RouteValues;
        var version = route["version"] as string ?? "";
        var phoneNumberId = route["phoneNumberId"] as string ?? "";
        if (!IsVersion(version))
        {
            return new Outcome(GraphError.UnsupportedRequest(context.Request.Method));
        }

        if (!string.Equals(context.Request.Headers.Authorization.ToString(), $"Bearer {_accessToken}", StringComparison.Ordinal))
        {
            return new Outcome(GraphError.InvalidToken());
        }

        if (phoneNumberId != _phoneNumberId)
        {
            return new Outcome(GraphError.UnknownObject(phoneNumberId));
        }

        JsonObject? body;
        try
        {
            body = JsonNode.Parse(raw) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body is null)
        {
            return new Outcome(GraphError.InvalidParameter("The request body must be a JSON object."));
        }

        var product = MessageRules.String(body, "messaging_product");
        if (product is null)
        {
            return new Outcome(GraphError.MissingParameter("messaging_product"));
        }

        if (product != "whatsapp")
        {
            return new Outcome(GraphError.InvalidParameter($"messaging_product must be \"whatsapp\" (got \"{product}\")."));
        }

        return body.ContainsKey("status") ? MarkRead(body) : Send(body);
    }

    private Outcome MarkRead(JsonObject body)
    {
        if (MessageRules.String(body, "status") != "read")
        {
            return new Outcome(GraphError.InvalidParameter("status must be \"read\"."));
        }

        var messageId = MessageRules.String(body, "message_id");
        if (messageId is null)
        {
            return new Outcome(GraphError.MissingParameter("message_id"));
        }

        if (body["typing_indicator"] is { } typing
            && (typing is not JsonObject indicator || MessageRules.String(indicator, "type") != "text"))
        {
            return new Outcome(GraphError.InvalidParameter("typing_indicator.type must be \"text\"."));
        }

        lock (_gate)
        {
            if (!_knownInbound.Contains(messageId))
            {
                return new Outcome(GraphError.InvalidValue($"message_id '{messageId}' is not a message this number received."));
            }

            _readMarks.Add(messageId);
        }

        return new Outcome(new JsonObject { ["success"] = true });
    }

    private Outcome Send(JsonObject body)
    {
        var to = MessageRules.String(body, "to");
        if (string.IsNullOrEmpty(to))
        {
            return new Outcome(GraphError.MissingParameter("to"));
        }

        var type = body.ContainsKey("type") ? MessageRules.String(body, "type") ?? "" : "text";
        lock (_gate)
        {
            var scripted = TakeScriptedFailure(to);
            if (scripted is not null)
            {
                return new Outcome(scripted);
            }
        }

        var invalid = MessageRules.Check(body, type);
        if (invalid is not null)
        {
            return new Outcome(invalid);
        }

        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (type != "template"
                && (!_lastUserMessage.TryGetValue(Digits(to), out var last) || now - last > Window))
            {
                return new Outcome(GraphError.ReEngagement());
            }

            var wamid = NewWamid(to, ++_sequence);
            _sent.Add(new WhatsAppSent(to, type, body, wamid, now));
            return new Outcome(new JsonObject
            {
                ["messaging_product"] = "whatsapp",
                ["contacts"] = new JsonArray(new JsonObject { ["input"] = to, ["wa_id"] = Digits(to) }),
                ["messages"] = new JsonArray(new JsonObject { ["id"] = wamid, ["message_status"] = "accepted" }),
            });
        }
    }

    // Caller holds _gate.
    private GraphError? TakeScriptedFailure(string to)
    {
        var index = _failures.FindIndex(f => f.To is null || Digits(f.To) == Digits(to));
        if (index < 0)
        {
            return null;
        }

        var failure = _failures[index];
        if (failure.Remaining <= 1)
        {
            _failures.RemoveAt(index);
        }
        else
        {
            _failures[index] = failure with { Remaining = failure.Remaining - 1 };
        }

        return failure.Error;
    }

    private async Task RespondAsync(HttpContext context, string raw, Outcome outcome)
    {
        var response = context.Response;
        string json;
        if (outcome.Error is { } error)
        {
            response.StatusCode = error.HttpStatus;
            response.Headers.WWWAuthenticate = error.WwwAuthenticate();
            json = error.ToJson();
        }
        else
        {
            response.StatusCode = StatusCodes.Status200OK;
            json = RawJson.Write(outcome.Success);
        }

        lock (_gate)
        {
            _requests.Add(new WhatsAppRequest(
                context.Request.Path.Value ?? "", raw, response.StatusCode, outcome.Error?.Code, _time.GetUtcNow()));
            var changed = _changed;
            _changed = NewSignal();
            changed.TrySetResult();
        }

        response.ContentType = "application/json; charset=UTF-8";
        await response.WriteAsync(json, Encoding.UTF8);
    }

    private async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describeFailure)
    {
        // Waits use real time even when a fake TimeProvider drives the window: a frozen clock must not hang a test.
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (condition())
                {
                    return;
                }

                changed = _changed.Task;
            }

            var remaining = timeout - clock.Elapsed;
            try
            {
                if (remaining <= TimeSpan.Zero)
                {
                    throw new TimeoutException();
                }

                await changed.WaitAsync(remaining);
            }
            catch (TimeoutException)
            {
                lock (_gate)
                {
                    if (condition())
                    {
                        return;
                    }

                    throw new TimeoutException(describeFailure());
                }
            }
        }
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
    }

    private static bool IsVersion(string segment)
    {
        // "v23.0": 'v', digits, '.', digits.
        var dot = segment.IndexOf('.', StringComparison.Ordinal);
        return segment.Length > 3 && segment[0] == 'v' && dot > 1 && dot < segment.Length - 1
            && segment[1..dot].All(char.IsAsciiDigit) && segment[(dot + 1)..].All(char.IsAsciiDigit);
    }

    // Graph answers wa_id as digits only ("+49 151 …" → "49151…"); the window is keyed the same way.
    private static string Digits(string phone) => string.Concat(phone.Where(char.IsAsciiDigit));

    private static string NewWamid(string to, long sequence) =>
        "wamid." + Convert.ToBase64String(Encoding.ASCII.GetBytes($"{Digits(to)}:{sequence}:{Guid.NewGuid():N}"));

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static string Describe(IEnumerable<WhatsAppSent> sent) =>
        "[" + string.Join(", ", sent.Select(s => $"{s.To} {s.Type} {s.Body.ToJsonString()}")) + "]";

    private static string Describe(IEnumerable<WhatsAppRequest> requests) =>
        "[" + string.Join(", ", requests.Select(r => $"{r.Path} -> {r.Status}{(r.ErrorCode is { } c ? $" #{c}" : "")}")) + "]";

    private sealed record ScriptedFailure(GraphError Error, string? To, int Remaining);

    private sealed record Outcome(GraphError? Error, JsonObject? Success = null)
    {
        public Outcome(JsonObject success)
            : this(null, success)
        {
        }
    }
}
