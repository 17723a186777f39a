namespace Avrr.Bot.Tests.Infrastructure;

/// <summary>
/// Waits for something the host does on its own threads (a turn committed, a reply delivered, a status reported),
/// looking every 25 ms for at most 10 s. Not for the passing of time: a test about time uses a fake clock.
/// </summary>
public static class Until
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 400; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"waited 10 s for {what}");
    }
}
