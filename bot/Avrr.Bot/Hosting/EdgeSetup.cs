using System.Net;
using System.Threading.RateLimiting;
using Avrr.Bot.Common;
using Avrr.Bot.DirectLine;
using Avrr.Bot.Staff;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Hosting;

/// <summary>Which reverse proxies may say who the client is (<c>X-Forwarded-For</c>, <c>X-Forwarded-Proto</c>).</summary>
public sealed class ForwardingOptions
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Proxy addresses trusted to forward the client's address; loopback is always trusted (nginx on the same host).</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR notation (e.g. <c>10.0.0.0/8</c> for a load balancer's subnet).</summary>
    public List<string> KnownNetworks { get; set; } = [];
}

/// <summary>
/// What every request meets first: the client's real address behind a trusted proxy (so limits count people, not the
/// proxy), rate limits on what can be abused, cookies that are always Secure, and security headers on every page.
/// </summary>
internal static class EdgeSetup
{
    public static WebApplicationBuilder AddEdge(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ForwardingOptions>().BindConfiguration(ForwardingOptions.Section)
            .Validate(o => o.KnownProxies.All(p => IPAddress.TryParse(p, out _)) && o.KnownNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _)),
                "ForwardedHeaders: KnownProxies must be IP addresses and KnownNetworks CIDR ranges such as 10.0.0.0/8.")
            .ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardingOptions>>((options, forwarding) =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // One proxy hop: the address nginx saw. A longer chain would let a client choose its own address.
            options.ForwardLimit = 1;
            foreach (var proxy in forwarding.Value.KnownProxies)
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in forwarding.Value.KnownNetworks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });

        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, ct) =>
            {
                // A chained limiter's lease may not carry the wait; a window segment (10 s) is then the honest answer.
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(10);
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

                if (context.HttpContext.Request.Path.StartsWithSegments("/v3/directline"))
                {
                    await DirectLineErrors.Error(StatusCodes.Status429TooManyRequests, "TooManyRequests", "Too many messages; wait a moment and send again.").ExecuteAsync(context.HttpContext);
                }
            };

            // Posting to a conversation is limited per conversation and per client address: enough for any person,
            // not enough to fill the database (the body limit alone would allow 15 MB a minute).
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => DirectLinePost(context) is { } conversation
                    ? RateLimitPartition.GetSlidingWindowLimiter("c:" + conversation, _ => Window(Limits(context).PostsPerMinutePerConversation))
                    : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(context => DirectLinePost(context) is not null
                    ? RateLimitPartition.GetSlidingWindowLimiter("a:" + ClientAddress.Of(context), _ => Window(Limits(context).PostsPerMinutePerClient))
                    : RateLimitPartition.GetNoLimiter("")));

            // Guessing passwords is slowed per address as well as per account (lockout).
            options.AddPolicy(StaffSetup.SignInPolicy, context => HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetSlidingWindowLimiter(ClientAddress.Of(context), _ => Window(context.RequestServices.GetRequiredService<IOptions<StaffOptions>>().Value.SignInAttemptsPerMinute))
                : RateLimitPartition.GetNoLimiter(""));
        });

        builder.Services.Configure<CookiePolicyOptions>(options =>
        {
            options.MinimumSameSitePolicy = SameSiteMode.Lax;
            options.OnAppendCookie = context => context.CookieOptions.Secure = !IsPlainLocalhost(context.Context.Request);
            options.OnDeleteCookie = context => context.CookieOptions.Secure = !IsPlainLocalhost(context.Context.Request);
        });
        return builder;
    }


    /// <summary>
    /// Cookies are Secure everywhere, behind a TLS proxy too, except on plain http to this machine itself (the
    /// two-command start at http://localhost:5080), where a browser would otherwise not keep them.
    /// </summary>
    internal static bool IsPlainLocalhost(HttpRequest request) =>
        !request.IsHttps && request.Host.Host is "localhost" or "127.0.0.1" or "[::1]" or "::1";

    private static DirectLineOptions Limits(HttpContext context) => context.RequestServices.GetRequiredService<IOptions<DirectLineOptions>>().Value;

    private static string? DirectLinePost(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method)
        && context.Request.Path.StartsWithSegments("/v3/directline/conversations", out var rest)
        && rest.Value is { } tail && tail.EndsWith("/activities", StringComparison.Ordinal)
            ? tail[1..^"/activities".Length]
            : null;

    private static SlidingWindowRateLimiterOptions Window(int perMinute) =>
        new() { PermitLimit = Math.Max(1, perMinute), Window = TimeSpan.FromMinutes(1), SegmentsPerWindow = 6, QueueLimit = 0 };

    /// <summary>Forwarded headers first, then security headers on every response.</summary>
    public static WebApplication UseEdge(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            var path = context.Request.Path;
            var staff = path.StartsWithSegments("/admin") || path.StartsWithSegments("/staff") || path.StartsWithSegments("/console") || path.StartsWithSegments("/api/console") || path.StartsWithSegments("/audit");
            context.Response.OnStarting(() =>
            {
                var response = context.Response;
                if (response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true && !response.Headers.ContainsKey("Content-Security-Policy"))
                {
                    // Every page gets a policy; the web chat page sets its own (Web Chat needs inline styles).
                    response.Headers.ContentSecurityPolicy = StrictPolicy;
                }

                if (staff && !response.Headers.ContainsKey("Cache-Control"))
                {
                    // Staff pages show case and content data: never cached. Antiforgery sets its own on pages with forms.
                    response.Headers.CacheControl = "no-store";
                }

                return Task.CompletedTask;
            });

            await next();
        });
        app.UseCookiePolicy();
        return app;
    }

    public const string StrictPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
}
