using Avrr.Bot.Channels.WhatsApp;
using Avrr.Bot.Persistence;

namespace Avrr.Bot.Console;

/// <summary>What staff write to the person: messages (machine-translated when asked) and the WhatsApp re-engagement template.</summary>
internal sealed partial class CaseActions
{
    /// <summary>
    /// The owner's reply, through the one outbox. On WhatsApp outside the 24-hour window free text is refused until the
    /// re-engagement template went out; after it, replies are held and delivered in order when the person answers.
    /// </summary>
    public Task<CaseActionResult> SendAsync(string reference, StaffMember staff, string text, CancellationToken ct) => SendAsync(reference, staff, text, translate: false, ct);

    /// <summary>
    /// A message to the person; with <paramref name="translate"/>, in the person's language by machine translation
    /// (done before the action, outside the lock), the counsellor's own words kept beside it. When the translation
    /// fails the message goes as written, marked for the counsellor: the conversation goes on.
    /// </summary>
    public async Task<CaseActionResult> SendAsync(string reference, StaffMember staff, string text, bool translate, CancellationToken ct)
    {
        text = text.Trim();
        (string Language, Translation.TranslationResult Result)? translation = null;
        if (translate && _translator.Enabled && text.Length is > 0 and <= MaxMessageLength && await PersonLanguageAsync(reference, ct) is { } personLanguage)
        {
            var mine = (await _staff.ProfileAsync(staff.UserId, staff.Email, ct)).UiLanguage ?? _knowledge.Current.SourceLanguage;
            var result = await _translator.TranslateAsync(text, mine, personLanguage, Translation.TextKind.CounsellorMessage, ct);
            translation = result.Status == Translation.TranslationStatus.SameLanguage ? null : (mine, result);
        }

        return await SendAsync(reference, staff, text, translation, ct);
    }

    private async Task<string?> PersonLanguageAsync(string reference, CancellationToken ct)
    {
        await using var connection = await _connections.OpenAsync(ct);
        await using var command = connection.Command("SELECT language FROM cases WHERE reference = @r AND status = 0", ("r", reference));
        return await command.ExecuteScalarAsync(ct) as string;
    }

    private Task<CaseActionResult> SendAsync(string reference, StaffMember staff, string text, (string Language, Translation.TranslationResult Result)? translation, CancellationToken ct) => RunAsync(reference, staff, async turn =>
    {
        if (text.Length is 0 or > MaxMessageLength)
        {
            return new CaseActionResult.Invalid($"Write between 1 and {MaxMessageLength} characters.");
        }

        if (!CaseAccess.CanSpeak(staff, turn.Case.Assignee))
        {
            return new CaseActionResult.Conflict(turn.Case.Assignee is null ? $"Claim {reference} before you write." : $"{reference} belongs to {await _staff.NameOfAsync(turn.Case.Assignee, ct)}; only they write to the person.");
        }

        if (turn.Conversation.OptedOut)
        {
            return new CaseActionResult.Conflict("The person said stop: nothing is sent until they write again.");
        }

        var delivery = turn.Push ? DeliveryStatus.Pending : DeliveryStatus.None;
        if (turn.Channel == WhatsAppSender.ChannelName)
        {
            var window = await turn.Session.ContactWindowAsync(turn.ConversationId, ct);
            if (!window.IsOpen(turn.NowAt))
            {
                if (!window.TemplateSentSinceLastMessage)
                {
                    return new CaseActionResult.Conflict("The person's 24-hour WhatsApp window is closed: send the re-engagement template first; your replies are then held until they answer.");
                }

                delivery = DeliveryStatus.Held;
            }
        }

        var seq = turn.Write(translation is { Result.Translated: true } t ? t.Result.Text : text, staff.DisplayName, delivery);
        if (translation is { } sent)
        {
            turn.Translated(seq, sent.Language, Translation.TranslationSide.Original, sent.Result.Translated ? text : null, _translator.Provider, sent.Result.Note);
        }

        if (await turn.Session.RepliedAsync(turn.Case.Id, turn.Now, ct) is { } opened)
        {
            turn.OnCommitted.Add(() => _telemetry.FirstResponse(TimeSpan.FromMilliseconds(turn.Now - opened), turn.Conversation.Channel));
        }
        await turn.EventAsync("message", null);
        await turn.AuditAsync("case.message", $"{text.Length} characters");
        return new CaseActionResult.Done(seq, ConsoleDelivery.Name(delivery, turn.Push));
    }, ct);

    /// <summary>WhatsApp only, outside the window: the approved template in the person's language, once per closed window.</summary>
    public Task<CaseActionResult> SendTemplateAsync(string reference, StaffMember staff, CancellationToken ct) => RunAsync(reference, staff, async turn =>
    {
        if (!CaseAccess.CanSpeak(staff, turn.Case.Assignee))
        {
            return new CaseActionResult.Conflict($"Only the counsellor who has {reference} writes to the person.");
        }

        if (turn.Channel != WhatsAppSender.ChannelName)
        {
            return new CaseActionResult.Conflict("Re-engagement templates are for WhatsApp only.");
        }

        var window = await turn.Session.ContactWindowAsync(turn.ConversationId, ct);
        if (window.IsOpen(turn.NowAt))
        {
            return new CaseActionResult.Conflict("The 24-hour window is open: write to the person directly.");
        }

        if (window.TemplateSentSinceLastMessage)
        {
            return new CaseActionResult.Conflict("The re-engagement template was already sent; your replies wait for the person's answer.");
        }

        var language = turn.Language ?? "en";
        if ((_whatsApp.Templates.GetValueOrDefault(language) ?? _whatsApp.Templates.GetValueOrDefault("default")) is not { Name.Length: > 0 } template)
        {
            return new CaseActionResult.Conflict($"No re-engagement template is configured for '{language}' (Channels:WhatsApp:Templates).");
        }

        var seq = turn.WriteTemplate(template.Name, template.LanguageCode, staff.DisplayName);
        await turn.Session.TemplateQueuedAsync(turn.ConversationId, turn.Now, ct);
        await turn.EventAsync("template", template.Name);
        await turn.AuditAsync("case.template", template.Name);
        return new CaseActionResult.Done(seq, "queued");
    }, ct);
}
