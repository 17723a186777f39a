using Avrr.Bot.Channels;
using Avrr.Bot.Translation;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Avrr.Bot.Admin.Pages;

public sealed class ChannelsModel(ChannelHealth health, Translator translator) : PageModel
{
    /// <summary>Which translation service is configured, and how it has been doing on this instance.</summary>
    public TranslationHealth Translation => translator.Health;

    public bool TranslationEnabled => translator.Enabled;

    public IReadOnlyList<ChannelHealth.Row> Rows { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Rows = await health.ReadAsync(ct);
}
