using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Avrr.Channels.Fakes.Telegram;

/// <summary>The HTTP edge: <c>/bot{token}/{method}</c>, any verb, and the method table.</summary>
public sealed partial class TelegramFake
{
    private delegate Task<TelegramResponse> MethodHandler(TelegramParameters parameters, CancellationToken aborted);

    private readonly Dictionary<string, MethodHandler> _methods;
    private WebApplication? _app;

    private Dictionary<string, MethodHandler> BuildMethods()
    {
        // tdlib looks methods up in lower case, so any letter case works.
        return new Dictionary<string, MethodHandler>(StringComparer.OrdinalIgnoreCase)
        {
            ["getMe"] = (_, _) => Task.FromResult(GetMe()),
            ["getUpdates"] = GetUpdatesAsync,
            ["setWebhook"] = (p, _) => Task.FromResult(SetWebhook(p)),
            ["deleteWebhook"] = (p, _) => Task.FromResult(DeleteWebhook(p)),
            ["getWebhookInfo"] = (_, _) => Task.FromResult(GetWebhookInfo()),
            ["sendMessage"] = (p, _) => Task.FromResult(SendMessage(p)),
            ["answerCallbackQuery"] = (p, _) => Task.FromResult(AnswerCallbackQuery(p)),
            ["editMessageReplyMarkup"] = (p, _) => Task.FromResult(EditMessageReplyMarkup(p)),
            ["sendChatAction"] = (p, _) => Task.FromResult(SendChatAction(p)),
        };
    }

    private async Task StartServerAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var app = builder.Build();
        app.Run(HandleHttpAsync);
        _app = app;
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.First();
        ApiBaseUrl = address.TrimEnd('/');
    }

    private async Task HandleHttpAsync(HttpContext context)
    {
        var at = _time.GetUtcNow();
        var aborted = context.RequestAborted;
        TelegramParameters parameters;
        try
        {
            parameters = await TelegramParameters.ReadAsync(context.Request, aborted);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
        {
            return; // The bot hung up mid-request.
        }

        var path = context.Request.Path.Value ?? "/";
        string method;
        TelegramResponse response;
        if (!TrySplitPath(path, out var token, out method))
        {
            method = path;
            response = TelegramResponse.Error(404, "Not Found");
        }
        else if (!string.Equals(token, Token, StringComparison.Ordinal))
        {
            response = TelegramResponse.Unauthorized();
        }
        else if (parameters.InvalidBody is { } reason)
        {
            response = TelegramErrorException.BadRequest(reason).ToResponse();
        }
        else
        {
            response = await InvokeAsync(method, parameters, aborted);
        }

        Record(method, parameters.Body, response, at, fromWebhookResponse: false);
        if (response.Status == AbortedStatus)
        {
            return;
        }
        try
        {
            context.Response.StatusCode = response.Status;
            context.Response.ContentType = "application/json";
            if (response.Status == 429 && response.RetryAfter is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            }
            await context.Response.WriteAsync(response.ToJsonString(), aborted);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The bot hung up before reading the answer.
        }
    }

    private static bool TrySplitPath(string path, out string token, out string method)
    {
        token = "";
        method = "";
        if (!path.StartsWith("/bot", StringComparison.Ordinal))
        {
            return false;
        }
        var rest = path[4..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return false;
        }
        token = rest[..slash];
        method = rest[(slash + 1)..];
        return true;
    }

    /// <summary>Runs one method after the token check: unknown methods, scripted failures, then the handler.</summary>
    private async Task<TelegramResponse> InvokeAsync(string method, TelegramParameters parameters, CancellationToken aborted)
    {
        if (!_methods.TryGetValue(method, out var handler))
        {
            return TelegramResponse.MethodNotFound();
        }
        if (TakeScriptedFailure(method, parameters) is { } failure)
        {
            return failure;
        }
        try
        {
            return await handler(parameters, aborted);
        }
        catch (TelegramErrorException e)
        {
            return e.ToResponse();
        }
    }

    private TelegramResponse? TakeScriptedFailure(string method, TelegramParameters parameters)
    {
        long? chatId = long.TryParse(parameters.GetString("chat_id"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
        lock (_gate)
        {
            var failure = _failures.Find(f => f.Method.Equals(method, StringComparison.OrdinalIgnoreCase) &&
                                              (f.ChatId is null || f.ChatId == chatId));
            if (failure is null)
            {
                return null;
            }
            if (--failure.Remaining == 0)
            {
                _failures.Remove(failure);
            }
            return failure.Response();
        }
    }

    private void Record(string method, string body, TelegramResponse response, DateTimeOffset at, bool fromWebhookResponse)
    {
        lock (_gate)
        {
            _requests.Add(new TelegramRequest(method, body, response.Status, at)
            {
                Response = response.Status == AbortedStatus ? "" : response.ToJsonString(),
                FromWebhookResponse = fromWebhookResponse,
            });
            Notify();
        }
    }
}
