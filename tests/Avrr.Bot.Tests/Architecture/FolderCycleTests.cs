using System.Text;

namespace Avrr.Bot.Tests.Architecture;

/// <summary>
/// The host's folders (its namespaces below <c>Avrr.Bot</c>) form layers: a capability may use the ones below it and
/// never the other way round, so each can be read, changed and tested from the bottom up. <c>Hosting</c> composes
/// everything and nothing uses it.
/// </summary>
public sealed class FolderCycleTests
{
    [Fact]
    public void No_two_folders_of_the_host_use_each_other_directly_or_through_others()
    {
        var uses = new Dictionary<string, Dictionary<string, (Type From, Type To)>>();
        foreach (var type in typeof(Avrr.Bot.Persistence.AvrrDbContext).Assembly.GetTypes())
        {
            if (Folder(type) is not { } from)
            {
                continue;
            }

            foreach (var used in TypeReferences.Of(type))
            {
                if (Folder(used) is { } to && to != from)
                {
                    var edges = uses.TryGetValue(from, out var existing) ? existing : uses[from] = [];
                    edges.TryAdd(to, (type, used));
                }
            }
        }

        var cycles = Cycles(uses);
        Assert.True(cycles.Count == 0, Describe(cycles, uses));
        Assert.True(uses.Count > 10, "the walk found almost no references: it is broken, not the code clean");
    }

    /// <summary>The first namespace part below Avrr.Bot; null for Program and for other assemblies' types.</summary>
    private static string? Folder(Type type) =>
        type.Namespace is { } ns && ns.StartsWith("Avrr.Bot.", StringComparison.Ordinal) && !ns.StartsWith("Avrr.Bot.Tests", StringComparison.Ordinal)
            ? ns.Split('.')[2]
            : null;

    /// <summary>Strongly connected groups of more than one folder (Tarjan), each a set of folders that reach each other.</summary>
    private static List<List<string>> Cycles(Dictionary<string, Dictionary<string, (Type, Type)>> uses)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var cycles = new List<List<string>>();
        void Visit(string folder)
        {
            index[folder] = low[folder] = index.Count;
            stack.Push(folder);
            foreach (var next in uses.TryGetValue(folder, out var edges) ? edges.Keys.ToList() : [])
            {
                if (!index.TryGetValue(next, out var seen))
                {
                    Visit(next);
                    low[folder] = Math.Min(low[folder], low[next]);
                }
                else if (stack.Contains(next))
                {
                    low[folder] = Math.Min(low[folder], seen);
                }
            }

            if (low[folder] == index[folder])
            {
                var group = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    group.Add(member);
                }
                while (member != folder);
                if (group.Count > 1)
                {
                    cycles.Add(group);
                }
            }
        }

        foreach (var folder in uses.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(folder))
            {
                Visit(folder);
            }
        }

        return cycles;
    }

    private static string Describe(List<List<string>> cycles, Dictionary<string, Dictionary<string, (Type From, Type To)>> uses)
    {
        var text = new StringBuilder();
        foreach (var group in cycles)
        {
            text.AppendLine("These folders use each other: " + string.Join(", ", group.Order(StringComparer.Ordinal)));
            foreach (var from in group.Order(StringComparer.Ordinal))
            {
                foreach (var (to, (type, used)) in uses[from].Where(edge => group.Contains(edge.Key)).OrderBy(edge => edge.Key, StringComparer.Ordinal))
                {
                    text.AppendLine($"  {from} -> {to}: {type.FullName} uses {used.FullName}");
                }
            }
        }

        return text.ToString();
    }
}
