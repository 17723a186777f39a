using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace Avrr.Channels.Fakes.Telegram;

/// <summary>
/// setWebhook, deleteWebhook, getWebhookInfo and the delivery of updates to the webhook (Telegram Bot API documentation). http://
/// URLs, any port and local addresses are allowed, as in the Bot API server's <c>--local</c> mode.
/// </summary>
public sealed partial class TelegramFake
{
    private const int MaxWebhookAttempts = 10;
    private const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";
    private static readonly TimeSpan WebhookRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan WebhookReadTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

    private readonly HttpClient _webhookClient;
    private readonly List<TelegramWebhookDelivery> _deliveries = [];
    private Webhook? _webhook;
    private long? _lastErrorDate;
    private string? _lastErrorMessage;

    /// <summary>The webhook the bot set, or null while it polls.</summary>
    public string? WebhookUrl
    {
        get
        {
            lock (_gate)
            {
                return _webhook?.Url;
            }
        }
    }

    /// <summary>Every POST of an update to the webhook, with its outcome.</summary>
    public IReadOnlyList<TelegramWebhookDelivery> WebhookDeliveries => Snapshot(_deliveries);

    /// <summary>
    /// Telegram accepts a self-signed webhook certificate that the bot uploaded with setWebhook; here the test names
    /// it. Without one, only certificates the machine trusts.
    /// </summary>
    private static HttpClient NewWebhookClient(System.Security.Cryptography.X509Certificates.X509Certificate2? trusted)
    {
        var handler = new SocketsHttpHandler();
        if (trusted is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == trusted.GetCertHashString();
        }

        return new HttpClient(handler) { Timeout = WebhookReadTimeout };
    }

    private TelegramResponse SetWebhook(TelegramParameters parameters)
    {
        var url = (parameters.GetString("url") ?? "").Trim();
        if (url.Length > 0)
        {
            url = CheckWebhookUrl(url);
        }
        var secret = parameters.GetString("secret_token") ?? "";
        if (secret.Length > 256)
        {
            throw TelegramErrorException.BadRequest("secret token is too long");
        }
        if (!secret.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw TelegramErrorException.BadRequest("secret token contains unallowed characters");
        }
        var maxConnections = parameters.GetClamped("max_connections", 40, 1, 100);

        lock (_gate)
        {
            ApplyAllowedUpdates(parameters);
            if (parameters.GetBool("drop_pending_updates"))
            {
                DropPending();
            }
            if (url.Length == 0)
            {
                return RemoveWebhook();
            }
            if (_webhook is { } current && current.Url == url && current.Secret == secret && current.MaxConnections == maxConnections)
            {
                return TelegramResponse.Ok(true, "Webhook is already set");
            }

            _poller?.End(PollEnd.SetWebhook);
            _poller = null;
            _webhook?.Dispose();
            _webhook = new Webhook(url, secret, maxConnections);
            _lastErrorDate = null;
            _lastErrorMessage = null;
            PumpWebhook();
            Notify();
            return TelegramResponse.Ok(true, "Webhook was set");
        }
    }

    private static string CheckWebhookUrl(string url)
    {
        if (!url.Contains("://", StringComparison.Ordinal))
        {
            url = "https://" + url;
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            throw TelegramErrorException.BadRequest("invalid webhook URL specified");
        }
        return url;
    }

    private TelegramResponse DeleteWebhook(TelegramParameters parameters)
    {
        lock (_gate)
        {
            if (parameters.GetBool("drop_pending_updates"))
            {
                DropPending();
            }
            return RemoveWebhook();
        }
    }

    /// <summary>Call under the lock. Updates in flight stay pending, for getUpdates or the next webhook.</summary>
    private TelegramResponse RemoveWebhook()
    {
        var had = _webhook is not null;
        _webhook?.Dispose();
        _webhook = null;
        _lastErrorDate = null;
        _lastErrorMessage = null;
        Notify();
        return TelegramResponse.Ok(true, had ? "Webhook was deleted" : "Webhook is already deleted");
    }

    private void DropPending()
    {
        _pending.Clear();
        Notify();
    }

    private TelegramResponse GetWebhookInfo()
    {
        lock (_gate)
        {
            var info = new JsonObject
            {
                ["url"] = _webhook?.Url ?? "",
                ["has_custom_certificate"] = false,
                ["pending_update_count"] = _pending.Count,
            };
            if (_lastErrorDate is { } date)
            {
                info["last_error_date"] = date;
                info["last_error_message"] = _lastErrorMessage;
            }
            if (_webhook is not null)
            {
                info["max_connections"] = _webhook.MaxConnections;
            }
            if (_allowedUpdates is not null)
            {
                info["allowed_updates"] = new JsonArray([.. UpdateKinds.Where(_allowedUpdates.Contains).Select(k => JsonValue.Create(k))]);
            }
            return TelegramResponse.Ok(info);
        }
    }

    /// <summary>
    /// Starts a delivery for the first pending update of every queue that has none in flight, up to max_connections.
    /// Call under the lock.
    /// </summary>
    private void PumpWebhook()
    {
        if (_webhook is not { } webhook || _disposed)
        {
            return;
        }
        var taken = new HashSet<string>(webhook.Busy, StringComparer.Ordinal);
        foreach (var update in _pending)
        {
            if (webhook.Busy.Count >= webhook.MaxConnections)
            {
                break;
            }
            if (!taken.Add(update.QueueKey))
            {
                continue;
            }
            webhook.Busy.Add(update.QueueKey);
            var body = update.Json.ToJsonString(TelegramResponse.Json);
            _ = Task.Run(() => DeliverAsync(webhook, update, body));
        }
    }

    /// <summary>POSTs one update until a 2xx; retries after 1 s (or the webhook's Retry-After), at most 10 attempts.</summary>
    private async Task DeliverAsync(Webhook webhook, PendingUpdate update, string body)
    {
        for (var attempt = 1; ; attempt++)
        {
            var outcome = await PostAsync(webhook, body);
            if (outcome.Stopped)
            {
                return;
            }
            var acknowledged = outcome.Error is null;
            lock (_gate)
            {
                if (_webhook != webhook)
                {
                    return;
                }
                _deliveries.Add(new TelegramWebhookDelivery(update.Id, webhook.Url, outcome.Status, outcome.Error, attempt, _time.GetUtcNow()));
                if (!acknowledged)
                {
                    _lastErrorDate = UnixNow();
                    _lastErrorMessage = outcome.Error;
                }
                var finished = acknowledged || attempt >= MaxWebhookAttempts;
                if (finished)
                {
                    _pending.Remove(update);
                    webhook.Busy.Remove(update.QueueKey);
                    PumpWebhook();
                }
                Notify();
                if (finished && !acknowledged)
                {
                    return;
                }
            }
            if (acknowledged)
            {
                if (outcome.Answer is not null)
                {
                    await RunWebhookAnswerAsync(outcome.Answer);
                }
                return;
            }
            try
            {
                await Task.Delay(outcome.RetryAfter ?? WebhookRetryDelay, _time, webhook.Stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<DeliveryOutcome> PostAsync(Webhook webhook, string body)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url);
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            if (webhook.Secret.Length > 0)
            {
                request.Headers.TryAddWithoutValidation(SecretHeader, webhook.Secret);
            }
            using var response = await _webhookClient.SendAsync(request, webhook.Stopping);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                var answer = response.Content.Headers.ContentType?.MediaType == "application/json"
                    ? await response.Content.ReadAsStringAsync(webhook.Stopping)
                    : null;
                return new DeliveryOutcome(status, null, null, answer);
            }
            var reason = response.ReasonPhrase is { Length: > 0 } phrase ? phrase : ReasonPhrases.GetReasonPhrase(status);
            TimeSpan? retryAfter = response.Headers.RetryAfter?.Delta is { } delta
                ? (delta > MaxRetryAfter ? MaxRetryAfter : delta)
                : null;
            return new DeliveryOutcome(status, $"Wrong response from the webhook: {status} {reason}", retryAfter, null);
        }
        catch (OperationCanceledException) when (webhook.Stopping.IsCancellationRequested)
        {
            return new DeliveryOutcome(0, null, null, null) { Stopped = true };
        }
        catch (OperationCanceledException)
        {
            return new DeliveryOutcome(0, "Read timeout expired", null, null);
        }
        catch (HttpRequestException e)
        {
            return new DeliveryOutcome(0, ConnectionError(e), null, null);
        }
    }

    /// <summary>Connection errors as the Bot API server (Linux) words them in last_error_message.</summary>
    private static string ConnectionError(HttpRequestException e) => e.InnerException is SocketException socket
        ? socket.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "Connection refused",
            SocketError.ConnectionReset => "Connection reset by peer",
            SocketError.TimedOut => "Connection timed out",
            SocketError.HostUnreachable => "No route to host",
            SocketError.NetworkUnreachable => "Network is unreachable",
            SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "Failed to resolve host: Name or service not known",
            _ => socket.Message,
        }
        : e.Message;

    /// <summary>
    /// A 2xx webhook answer may carry a method call (<c>{"method":"sendMessage",...}</c>); Telegram runs it, except
    /// get* methods, setWebhook, deleteWebhook, close and logOut, and its result goes nowhere.
    /// </summary>
    private async Task RunWebhookAnswerAsync(string body)
    {
        JsonObject? call;
        try
        {
            call = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return;
        }
        if (call?["method"] is not JsonValue value || !value.TryGetValue<string>(out var method))
        {
            return;
        }
        var name = method.ToLowerInvariant();
        if (name.StartsWith("get", StringComparison.Ordinal) || name is "setwebhook" or "deletewebhook" or "close" or "logout")
        {
            return;
        }
        var at = _time.GetUtcNow();
        var response = await InvokeAsync(method, TelegramParameters.FromObject(call, body), CancellationToken.None);
        Record(method, body, response, at, fromWebhookResponse: true);
    }

    private sealed record DeliveryOutcome(int Status, string? Error, TimeSpan? RetryAfter, string? Answer)
    {
        /// <summary>The webhook was removed or replaced (or the fake disposed) while posting.</summary>
        public bool Stopped { get; init; }
    }

    private sealed class Webhook : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();

        public Webhook(string url, string secret, int maxConnections)
        {
            Url = url;
            Secret = secret;
            MaxConnections = maxConnections;
            Stopping = _stop.Token;
        }

        public string Url { get; }

        /// <summary>Empty when none was set.</summary>
        public string Secret { get; }

        public int MaxConnections { get; }

        /// <summary>Captured once, so it stays readable after <see cref="Dispose"/>.</summary>
        public CancellationToken Stopping { get; }

        /// <summary>Queues with an update in flight (or waiting for its retry).</summary>
        public HashSet<string> Busy { get; } = new(StringComparer.Ordinal);

        /// <summary>Ends the posts in flight and the retry waits of this webhook.</summary>
        public void Dispose()
        {
            _stop.Cancel();
            _stop.Dispose();
        }
    }
}
