using Avrr.Bot.Cases;
using Avrr.Bot.Changes;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Console;

/// <summary>
/// The console's live channel. Messages carry no case content, only "look again": <c>queue</c> (the queue changed),
/// <c>urgent</c> (an urgent case needs someone: alert), <c>case</c> (the watched case changed). Clients then re-read
/// through the API, which checks access and audits.
/// </summary>
internal sealed class ConsoleHub(StaffDirectory staff, IOptions<ConsoleOptions> options) : Hub
{
    public const string QueueGroup = "queue";

    public static string ConversationGroup(string conversationId) => "conversation:" + conversationId;

    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, QueueGroup);
        if (StaffMember.UserIdOf(Context.User!) is { } id)
        {
            await staff.SeenAsync(id, Context.ConnectionAborted);
        }

        await base.OnConnectedAsync();
    }

    /// <summary>Follow one case (the case page). Only a case the caller may read; returns false otherwise.</summary>
    public async Task<bool> Watch(string reference)
    {
        var me = await staff.CurrentAsync(Context.User!, Context.ConnectionAborted);
        var found = me is null ? null : await staff.CaseForWatchAsync(CaseReferences.Normalize(reference), Context.ConnectionAborted);
        if (found is not { } c || !CaseAccess.CanRead(me!, c.Status, c.Assignee, options.Value.AdminsReadCases))
        {
            return false;
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, ConversationGroup(c.ConversationId));
        return true;
    }

    /// <summary>The console is still open (every minute): auto-assignment counts only counsellors who are present.</summary>
    public async Task Heartbeat()
    {
        if (StaffMember.UserIdOf(Context.User!) is { } id)
        {
            await staff.SeenAsync(id, Context.ConnectionAborted);
        }
    }
}

/// <summary>Turns changes (from this instance or, through PostgreSQL, from others) into console messages.</summary>
internal sealed class ConsoleBroadcaster(ChangeFeed changes, IHubContext<ConsoleHub> hub, TimeProvider time) : BackgroundService
{
    /// <summary>Queue refreshes are coalesced: a burst of changes costs each console one re-read.</summary>
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(150);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = changes.Console;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                var queue = false;
                var everything = false;
                var urgent = new HashSet<string>(StringComparer.Ordinal);
                var conversations = new HashSet<string>(StringComparer.Ordinal);
                var until = time.GetUtcNow() + Coalesce;
                do
                {
                    while (reader.TryRead(out var change))
                    {
                        if (change.Case is { } reference)
                        {
                            queue = true;
                            everything |= reference.Length == 0;
                            if (change.Urgent && reference.Length > 0)
                            {
                                urgent.Add(reference);
                            }
                        }

                        if (change.ConversationId.Length > 0)
                        {
                            conversations.Add(change.ConversationId);
                        }
                    }

                    var left = until - time.GetUtcNow();
                    if (left <= TimeSpan.Zero)
                    {
                        break;
                    }

                    await Task.Delay(left < TimeSpan.FromMilliseconds(50) ? left : TimeSpan.FromMilliseconds(50), time, stoppingToken);
                }
                while (true);

                if (everything)
                {
                    // Notifications from other instances may have been missed: everyone re-reads.
                    await hub.Clients.All.SendAsync("case", stoppingToken);
                }

                if (queue)
                {
                    await hub.Clients.Group(ConsoleHub.QueueGroup).SendAsync("queue", stoppingToken);
                }

                foreach (var reference in urgent)
                {
                    await hub.Clients.Group(ConsoleHub.QueueGroup).SendAsync("urgent", reference, stoppingToken);
                }

                foreach (var conversation in conversations)
                {
                    await hub.Clients.Group(ConsoleHub.ConversationGroup(conversation)).SendAsync("case", stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
