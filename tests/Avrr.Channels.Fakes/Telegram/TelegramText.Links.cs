namespace Avrr.Channels.Fakes.Telegram;

/// <summary>Links inside formatted text: text_link, text_mention and custom emoji URLs, checked as tdlib checks them.</summary>
internal static partial class TelegramText
{
    private static void AddLink(List<Entity> entities, int offset, int length, string url)
    {
        if (MentionUserId(url) is { } userId)
        {
            entities.Add(new Entity(Kind.MentionName, offset, length, userId));
        }
        else if (CheckLink(url) is { } checkedUrl)
        {
            entities.Add(new Entity(Kind.TextUrl, offset, length, checkedUrl));
        }
    }

    /// <summary>The user id of a <c>tg://user?id=N</c> link (a text_mention), or null.</summary>
    private static string? MentionUserId(string url)
    {
        var rest = url.ToLowerInvariant();
        if (!rest.StartsWith("tg:", StringComparison.Ordinal))
        {
            return null;
        }
        rest = rest[3..];
        rest = rest.StartsWith("//", StringComparison.Ordinal) ? rest[2..] : rest;
        if (!rest.StartsWith("user", StringComparison.Ordinal))
        {
            return null;
        }
        rest = rest[4..];
        rest = rest.StartsWith('/') ? rest[1..] : rest;
        if (!rest.StartsWith('?'))
        {
            return null;
        }
        foreach (var pair in rest[1..].Split('#')[0].Split('&'))
        {
            var parts = pair.Split('=', 2);
            if (parts[0] == "id")
            {
                return parts.Length == 2 && long.TryParse(parts[1], System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out var id) && id > 0
                    ? id.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    : null;
            }
        }
        return null;
    }

    /// <summary>
    /// A simplified LinkManager::get_checked_link: tg: and ton: links are kept; http(s) (the default scheme), ftp and
    /// tonsite links need a host with a dot and get the "/" tdlib adds after a bare host; anything else is dropped
    /// (the entity is skipped, as on Telegram).
    /// </summary>
    private static string? CheckLink(string url)
    {
        var lower = url.ToLowerInvariant();
        if (lower.StartsWith("tg:", StringComparison.Ordinal) || lower.StartsWith("ton:", StringComparison.Ordinal))
        {
            return url;
        }
        var scheme = "http";
        var rest = url;
        var separator = url.IndexOf("://", StringComparison.Ordinal);
        if (separator >= 0)
        {
            scheme = lower[..separator];
            rest = url[(separator + 3)..];
            if (scheme is not ("http" or "https" or "ftp" or "tonsite"))
            {
                return null;
            }
        }
        var authorityEnd = rest.IndexOfAny(['/', '?', '#']);
        var authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        var tail = authorityEnd < 0 ? "" : rest[authorityEnd..];
        var host = authority[(authority.LastIndexOf('@') + 1)..];
        var colon = host.LastIndexOf(':');
        host = colon >= 0 ? host[..colon] : host;
        if (!IsValidHost(host))
        {
            return null;
        }
        return $"{scheme}://{authority}{(tail.StartsWith('/') ? tail : "/" + tail)}";
    }

    private static bool IsValidHost(string host)
    {
        var labels = host.Split('.');
        if (labels.Length < 2 || labels.Any(label => label.Length == 0 ||
                label.Any(c => !(char.IsLetterOrDigit(c) || c == '-' || c == '_' || c > 127))))
        {
            return false;
        }
        var isIpv4 = labels.Length == 4 && labels.All(label => label.All(char.IsAsciiDigit));
        return isIpv4 || !labels[^1].All(char.IsAsciiDigit);
    }

    /// <summary>LinkManager::get_link_custom_emoji_id: <c>tg://emoji?id=N</c>, with tdlib's error texts.</summary>
    private static string CustomEmojiId(string url)
    {
        var rest = url.ToLowerInvariant();
        if (!rest.StartsWith("tg:", StringComparison.Ordinal))
        {
            throw new FormatException("Custom emoji URL must have scheme tg");
        }
        rest = rest[3..];
        rest = rest.StartsWith("//", StringComparison.Ordinal) ? rest[2..] : rest;
        var hostEnd = rest.IndexOfAny(['/', '?', '#']);
        if ((hostEnd < 0 ? rest : rest[..hostEnd]) != "emoji")
        {
            throw new FormatException("Custom emoji URL must have host \"emoji\"");
        }
        rest = hostEnd < 0 ? "" : rest[hostEnd..];
        rest = rest.StartsWith('/') ? rest[1..] : rest;
        var id = rest.StartsWith('?')
            ? rest[1..].Split('#')[0].Split('&').Select(pair => pair.Split('=', 2)).FirstOrDefault(pair => pair[0] == "id")
            : null;
        if (id is null)
        {
            throw new FormatException("Custom emoji URL must have an emoji identifier");
        }
        if (id.Length < 2 || !long.TryParse(id[1], System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var number) || number <= 0 ||
            number.ToString(System.Globalization.CultureInfo.InvariantCulture) != id[1])
        {
            throw new FormatException("Invalid custom emoji identifier specified");
        }
        return id[1];
    }
}
