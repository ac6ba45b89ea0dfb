using System.Reflection;
using System.Runtime.CompilerServices;

namespace Workbench.Allocator.Tests;

/// <summary>
/// How the allocator's code is compiled. With tiered compilation on (any program's default) a method that is neither
/// inlined nor marked <c>AggressiveOptimization</c> runs unoptimised tier-0 code until the runtime recompiles it,
/// which in an in-process benchmark run never happened (docs/allocator.md, "Compilation").
/// </summary>
public class CompilationTests
{
    /// <summary>The classes on the allocation and free paths, from the public routines down to the OS layer.</summary>
    private static readonly string[] s_pathTypes =
    [
        "CfaMalloc", "AllocPaths", "FreePaths", "ReallocPaths", "BulkMemory", "ThreadHeap", "CurrentHeap", "HeapPool",
        "MappingCache", "BlockHeader", "SizeClasses", "OsMemory", "AllocatorLock",
    ];

    [Fact]
    public void EveryMethodOnTheAllocationPaths_IsInlinedOrCompiledOptimisedAtOnce()
    {
        Assembly allocator = typeof(CfaMalloc).Assembly;
        var missing = new List<string>();
        int checkedMethods = 0;
        foreach (string name in s_pathTypes)
        {
            Type type = allocator.GetType("Workbench.Allocator." + name, throwOnError: true)!;
            const BindingFlags all = BindingFlags.DeclaredOnly | BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
            foreach (MethodInfo method in type.GetMethods(all))
            {
                MethodImplAttributes impl = method.MethodImplementationFlags;
                bool noIL = (method.Attributes & MethodAttributes.PinvokeImpl) != 0 || (impl & MethodImplAttributes.InternalCall) != 0;
                // Property accessors are one load each and inline anywhere; compiler-generated helpers are not ours.
                if (noIL || method.IsSpecialName || method.IsDefined(typeof(CompilerGeneratedAttribute)))
                    continue;
                checkedMethods++;
                bool inlined = (impl & MethodImplAttributes.AggressiveInlining) != 0;
                bool optimised = (impl & MethodImplAttributes.AggressiveOptimization) != 0;
                if (!inlined && !optimised)
                    missing.Add($"{name}.{method.Name}");
            }
        }
        Assert.True(checkedMethods > 80, $"only {checkedMethods} methods found: the type list is stale");
        Assert.True(missing.Count == 0, "neither AggressiveInlining nor AggressiveOptimization: " + string.Join(", ", missing));
    }

    [Fact]
    public void TheSlowPaths_AreKeptOutOfLineAndCompiledOptimised()
    {
        // The out-of-line slow paths: NoInlining keeps the inlined fast paths small, AggressiveOptimization keeps the
        // slow paths from running tier-0 code.
        Assembly allocator = typeof(CfaMalloc).Assembly;
        string[] slowPaths = ["AllocPaths.MallocSlow", "AllocPaths.Allocate", "FreePaths.FreeSlow", "ReallocPaths.Realloc", "ThreadHeap.Refill", "BulkMemory.ClearVectors"];
        foreach (string path in slowPaths)
        {
            string[] parts = path.Split('.');
            MethodInfo method = allocator.GetType("Workbench.Allocator." + parts[0], throwOnError: true)!
                .GetMethod(parts[1], BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)!;
            MethodImplAttributes impl = method.MethodImplementationFlags;
            Assert.True((impl & MethodImplAttributes.NoInlining) != 0, $"{path} is not NoInlining");
            Assert.True((impl & MethodImplAttributes.AggressiveOptimization) != 0, $"{path} is not AggressiveOptimization");
        }
    }
}
