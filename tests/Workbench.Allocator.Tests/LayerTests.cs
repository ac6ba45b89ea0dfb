using System.Text.RegularExpressions;

namespace Workbench.Allocator.Tests;

/// <summary>
/// The allocator's layers point one way (docs/allocator.md, "Design in one screen"): each type of lib/Allocator sits in
/// one layer, and its source names only types of its own layer or the layers below. Read from the sources, with
/// comments and string literals removed, so a type named in a doc comment or a message does not count.
/// </summary>
public partial class LayerTests
{
    /// <summary>The layers, top first. Every type declared in lib/Allocator must be in one.</summary>
    private static readonly string[][] s_layers =
    [
        ["CfaMalloc", "CfaBuffer", "Precompilation", "ForkSafety"],
        ["CheckedMode", "LiveBlock", "UnfreedBlock"],
        ["AllocPaths", "FreePaths", "ReallocPaths", "Trimming", "AllocatorStatistics", "StatisticsBaseline", "HeapSummary", "RoutineCounters", "BucketCounters"],
        ["HeapPool", "HeapReleaser", "MappingCache"],
        ["ThreadHeap", "TrimmedExtents", "ExtentTable", "Extent", "TrimCandidate", "TrimPad", "Bucket", "BucketTally", "Routine", "RoutineTally", "RoutineTallies", "RemoteChain", "BlockHeader", "HeapInvariants", "BlockValidation", "CurrentHeap",
         "BulkMemory"],
        ["SharedArea"],
        ["OsMemory", "SizeClasses", "FastPathValues", "NativeFront", "Errno", "Tunables", "Policy", "AllocatorOptions", "AllocatorLock", "Scope",
         "HeapInvariantException", "HeapCorruptionException", "HeapProblem"],
    ];

    private static string AllocatorSources()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "lib", "Allocator");
            if (File.Exists(Path.Combine(candidate, "Workbench.Allocator.csproj")))
                return candidate;
        }
        throw new DirectoryNotFoundException($"lib/Allocator not found above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|@""(?:[^""]|"""")*""|\$?""(?:[^""\\\n]|\\.)*""|'(?:[^'\\\n]|\\.)'", RegexOptions.Singleline)]
    private static partial Regex CommentsAndStrings();

    [GeneratedRegex(@"\b(?:record\s+struct|record\s+class|class|struct|enum|interface|record)\s+(\w+)")]
    private static partial Regex Declarations();

    /// <summary>
    /// A type named in code: <c>Type.Member</c>, <c>Type*</c>, <c>typeof(Type)</c>, <c>new Type(</c> or a generic
    /// argument <c>&lt;Type&gt;</c>. A member that shares a type's name (a property MappingCache, a method Bucket) is
    /// reached through an instance or declared with a type before it, and does not match.
    /// </summary>
    [GeneratedRegex(@"(?<![\w.])[A-Z]\w*(?=\s*[.*>])|(?<=typeof\(|new\s|<)[A-Z]\w*")]
    private static partial Regex Names();

    [Fact]
    public void EveryTypeOfTheAllocator_NamesOnlyTypesOfItsLayerOrBelow()
    {
        var layerOf = new Dictionary<string, int>();
        for (int i = 0; i < s_layers.Length; i++)
            foreach (string type in s_layers[i])
                layerOf.Add(type, i);

        var problems = new List<string>();
        foreach (string file in Directory.EnumerateFiles(AllocatorSources(), "*.cs"))
        {
            string code = CommentsAndStrings().Replace(File.ReadAllText(file), " ");
            string name = Path.GetFileName(file);
            var declared = Declarations().Matches(code).Select(m => m.Groups[1].Value).ToHashSet();
            foreach (string type in declared.Where(t => !layerOf.ContainsKey(t)))
                problems.Add($"{name}: type {type} is in no layer: add it to LayerTests.s_layers and docs/allocator.md");
            var layers = declared.Where(layerOf.ContainsKey).Select(t => layerOf[t]).ToList();
            if (layers.Count == 0)
                continue;
            int own = layers.Max(); // the file's lowest layer: a file must not name what its lowest type may not
            foreach (string used in Names().Matches(code).Select(m => m.Value).Distinct())
            {
                if (layerOf.TryGetValue(used, out int layer) && layer < own && !declared.Contains(used))
                    problems.Add($"{name} (layer {own}) names {used} (layer {layer}), a layer above it");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void TheLayerCheck_SeesAnUpwardName_InCodeButNotInACommentOrString()
    {
        string code = "class A { /* HeapPool.Acquire */ string s = \"CfaMalloc.Fail\"; // ThreadHeap\n void F() => Errno.Fail(1); }";
        string stripped = CommentsAndStrings().Replace(code, " ");
        var names = Names().Matches(stripped).Select(m => m.Value).ToHashSet();
        Assert.Contains("Errno", names);
        Assert.DoesNotContain("HeapPool", names);
        Assert.DoesNotContain("CfaMalloc", names);
        Assert.DoesNotContain("ThreadHeap", names);
    }
}
