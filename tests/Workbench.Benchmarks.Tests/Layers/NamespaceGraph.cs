using System.Text.RegularExpressions;

namespace Workbench.Benchmarks.Tests.Layers;

/// <summary>
/// Which namespace of <c>Workbench.Benchmarks</c> uses which, read from the source text: a namespace is the first
/// name after <c>Workbench.Benchmarks</c> (the folder), or <see cref="Root"/> for the root namespace. A file uses
/// another namespace where it writes <c>Workbench.Benchmarks.X</c> (a using line, an alias or a fully qualified name)
/// or the sibling short form <c>X.Type</c> for a type declared in X (what C# resolves inside Workbench.Benchmarks
/// without a using). Comments are left out, except the types a doc comment's <c>cref</c> names.
/// </summary>
internal sealed partial class NamespaceGraph
{
    /// <summary>The name of the root namespace, <c>Workbench.Benchmarks</c> itself.</summary>
    public const string Root = "Workbench.Benchmarks";

    private readonly SortedDictionary<string, SortedDictionary<string, string>> _edges = new(StringComparer.Ordinal);

    private NamespaceGraph(IEnumerable<string> namespaces) =>
        Namespaces = new SortedSet<string>(namespaces, StringComparer.Ordinal);

    /// <summary>Every namespace that has a file.</summary>
    public SortedSet<string> Namespaces { get; }

    /// <summary>The namespaces <paramref name="from"/> uses, each with where the first use was seen (file:line).</summary>
    public IReadOnlyDictionary<string, string> Uses(string from) =>
        _edges.TryGetValue(from, out SortedDictionary<string, string>? to) ? to : new SortedDictionary<string, string>();

    /// <summary>Every use: from, to, and where it was first seen.</summary>
    public IEnumerable<(string From, string To, string Where)> Edges =>
        _edges.SelectMany(e => e.Value.Select(t => (e.Key, t.Key, t.Value)));

    /// <summary>The graph of the C# files under <paramref name="folder"/> (bin and obj left out).</summary>
    public static NamespaceGraph OfFolder(string folder) => Of(
        Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => (Path.GetRelativePath(folder, f), File.ReadAllText(f))));

    /// <summary>The graph of source files given as (name, text).</summary>
    /// <exception cref="InvalidOperationException">A file declares no namespace under Workbench.Benchmarks.</exception>
    public static NamespaceGraph Of(IEnumerable<(string Name, string Text)> files)
    {
        List<(string Name, string Namespace, string[] Lines)> sources = [];
        Dictionary<string, HashSet<string>> typesOf = new(StringComparer.Ordinal);
        foreach ((string name, string text) in files)
        {
            Match declared = NamespaceDeclaration().Match(text);
            string? ns = declared.Success ? Shorten(declared.Groups["name"].Value) : null;
            if (ns is null)
            {
                throw new InvalidOperationException($"{name} declares no namespace under {Root}");
            }
            string[] lines = [.. text.Split('\n').Select(CodeOf)];
            sources.Add((name, ns, lines));
            if (!typesOf.TryGetValue(ns, out HashSet<string>? types))
            {
                typesOf[ns] = types = new HashSet<string>(StringComparer.Ordinal);
            }
            foreach (Match type in TypeDeclaration().Matches(string.Join('\n', lines)))
            {
                types.Add(type.Groups["type"].Value);
            }
        }
        NamespaceGraph graph = new(typesOf.Keys);
        foreach ((string name, string from, string[] lines) in sources)
        {
            for (int i = 0; i < lines.Length; i++)
            {
                foreach (Match qualified in QualifiedName().Matches(lines[i]))
                {
                    graph.Add(from, qualified.Groups["ns"].Value, $"{name}:{i + 1}");
                }
                foreach (Match sibling in ShortForm().Matches(lines[i]))
                {
                    string ns = sibling.Groups["ns"].Value;
                    if (typesOf.TryGetValue(ns, out HashSet<string>? types) && types.Contains(sibling.Groups["type"].Value))
                    {
                        graph.Add(from, ns, $"{name}:{i + 1}");
                    }
                }
            }
        }
        return graph;
    }

    /// <summary>
    /// The circles of namespaces that use each other: in each group that does (a strongly connected component of more
    /// than one namespace), every two that use each other directly and the shortest circle through each, each circle
    /// once, as <c>A -> B -> A</c> with where each use was seen.
    /// </summary>
    public List<string> Cycles()
    {
        List<string> cycles = [];
        foreach (List<string> component in StronglyConnectedComponents().Where(c => c.Count > 1))
        {
            HashSet<string> members = [.. component];
            HashSet<string> seen = new(StringComparer.Ordinal);
            // Every pair that uses each other directly, then the shortest circle through each namespace.
            IEnumerable<List<string>> pairs = component.SelectMany(a => Uses(a).Keys.Where(b => Uses(b).ContainsKey(a)).Select(b => new List<string> { a, b, a }));
            foreach (List<string> path in pairs.Concat(component.Select(start => PathBack(start, members))))
            {
                // The same circle from another of its namespaces is a rotation of it: name it by its smallest one.
                int first = path.IndexOf(path.Take(path.Count - 1).Min(StringComparer.Ordinal)!);
                List<string> rotated = [.. path.Skip(first).Take(path.Count - 1 - first), .. path.Take(first + 1)];
                if (seen.Add(string.Join(" -> ", rotated)))
                {
                    cycles.Add(string.Join(" -> ", rotated) + "   [" +
                        string.Join("; ", rotated.Zip(rotated.Skip(1), (a, b) => $"{a} -> {b} at {Uses(a)[b]}")) + "]");
                }
            }
        }
        return cycles;
    }

    private void Add(string from, string to, string where)
    {
        if (from == to || !Namespaces.Contains(to))
        {
            return;
        }
        if (!_edges.TryGetValue(from, out SortedDictionary<string, string>? uses))
        {
            _edges[from] = uses = new SortedDictionary<string, string>(StringComparer.Ordinal);
        }
        uses.TryAdd(to, where);
    }

    /// <summary>A shortest circle from <paramref name="start"/> back to itself inside <paramref name="members"/> (breadth first).</summary>
    private List<string> PathBack(string start, HashSet<string> members)
    {
        Dictionary<string, string> cameFrom = new(StringComparer.Ordinal);
        Queue<string> queue = new([start]);
        while (queue.Count > 0)
        {
            string at = queue.Dequeue();
            foreach (string next in Uses(at).Keys.Where(members.Contains))
            {
                if (next == start)
                {
                    List<string> path = [start];
                    for (string step = at; step != start; step = cameFrom[step])
                    {
                        path.Insert(1, step);
                    }
                    path.Add(start);
                    return path;
                }
                if (cameFrom.TryAdd(next, at))
                {
                    queue.Enqueue(next);
                }
            }
        }
        throw new InvalidOperationException($"{start} is in a cycle but no path leads back to it");
    }

    /// <summary>Tarjan's algorithm.</summary>
    private List<List<string>> StronglyConnectedComponents()
    {
        Dictionary<string, int> index = new(StringComparer.Ordinal);
        Dictionary<string, int> low = new(StringComparer.Ordinal);
        Stack<string> stack = new();
        HashSet<string> onStack = new(StringComparer.Ordinal);
        List<List<string>> components = [];
        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (string next in Uses(node).Keys)
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], index[next]);
                }
            }
            if (low[node] == index[node])
            {
                List<string> component = [];
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                component.Sort(StringComparer.Ordinal);
                components.Add(component);
            }
        }
        foreach (string node in Namespaces.Where(n => !index.ContainsKey(n)))
        {
            Visit(node);
        }
        return components;
    }

    /// <summary>The namespace's first name under Workbench.Benchmarks (its folder), <see cref="Root"/> for the root; null outside.</summary>
    private static string? Shorten(string ns) =>
        ns == Root ? Root
        : ns.StartsWith(Root + ".", StringComparison.Ordinal) ? ns[(Root.Length + 1)..].Split('.')[0]
        : null;

    /// <summary>A line without its comment, except the types a doc comment's cref names.</summary>
    private static string CodeOf(string line)
    {
        int comment = line.IndexOf("//", StringComparison.Ordinal);
        if (comment < 0)
        {
            return line;
        }
        IEnumerable<string> crefs = Cref().Matches(line[comment..]).Select(m => m.Groups["name"].Value);
        return line[..comment] + " " + string.Join(" ", crefs);
    }

    [GeneratedRegex(@"^\s*namespace\s+(?<name>[\w.]+)\s*[;{]", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"\b(?:record\s+(?:struct|class)|class|struct|interface|enum|record)\s+(?<type>[A-Za-z_]\w*)")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"\bWorkbench\.Benchmarks\.(?<ns>\w+)")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"(?<![\w.])(?<ns>[A-Z]\w*)\.(?<type>[A-Z]\w*)")]
    private static partial Regex ShortForm();

    [GeneratedRegex(@"cref=""(?<name>[^""]+)""")]
    private static partial Regex Cref();
}
