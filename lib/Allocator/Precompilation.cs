using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Workbench.Allocator;

/// <summary>
/// JIT-compiles the allocator ahead of use (<see cref="CfaMalloc.Precompile"/>): every non-generic
/// method of the classes on the allocation and free paths, after their statics are initialised,
/// so that the code is the same as a long-running program's (policy switches folded).
/// </summary>
internal static class Precompilation
{
    private const DynamicallyAccessedMemberTypes Methods =
        DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods;

    /// <summary>Starts the allocator, then compiles its paths.</summary>
    internal static unsafe void Run()
    {
        // The options and the classes' statics first: the JIT folds static readonly fields of
        // initialised classes only (the checked-mode and ownership switches, the size-class
        // table, the heap layout). The first malloc/free initialises every class on its path.
        CfaMalloc.Free(CfaMalloc.Malloc(1));
        // Classes that the first malloc/free does not reach.
        RuntimeHelpers.RunClassConstructor(typeof(MappingCache).TypeHandle);
        RuntimeHelpers.RunClassConstructor(typeof(Trimming).TypeHandle);
        RuntimeHelpers.RunClassConstructor(typeof(ReallocPaths).TypeHandle);
        RuntimeHelpers.RunClassConstructor(typeof(BulkMemory).TypeHandle);
        Compile(typeof(Errno));
        Compile(typeof(Tunables));
        Compile(typeof(AllocatorLock));
        Compile(typeof(AllocatorLock.Scope));
        Compile(typeof(SizeClasses));
        Compile(typeof(OsMemory));
        Compile(typeof(BlockHeader));
        Compile(typeof(BlockValidation));
        Compile(typeof(ThreadHeap));
        Compile(typeof(RemoteChain));
        Compile(typeof(SharedArea));
        Compile(typeof(HeapPool));
        Compile(typeof(MappingCache));
        Compile(typeof(BulkMemory));
        Compile(typeof(AllocPaths));
        Compile(typeof(FreePaths));
        Compile(typeof(ReallocPaths));
        Compile(typeof(Trimming));
        Compile(typeof(TrimmedExtents));
        TrimmedExtents.PrepareSort();
        Compile(typeof(CheckedMode));
        Compile(typeof(CfaMalloc));
#if DEBUG
        // Debug builds check heaps on the slow paths (HeapInvariants.Assert): one check compiles it, with its set.
        Compile(typeof(HeapInvariants));
        HeapInvariants.Assert(HeapInvariants.Check(CurrentHeap.Heap));
#endif
    }

    /// <summary>Compiles the non-generic methods of <paramref name="type"/> that have IL.</summary>
    private static void Compile([DynamicallyAccessedMembers(Methods)] Type type)
    {
        const BindingFlags flags = BindingFlags.DeclaredOnly | BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        foreach (MethodInfo method in type.GetMethods(flags))
        {
            bool hasIL = !method.IsAbstract && (method.Attributes & MethodAttributes.PinvokeImpl) == 0
                && (method.MethodImplementationFlags & (MethodImplAttributes.InternalCall | MethodImplAttributes.Runtime)) == 0;
            if (hasIL && !method.ContainsGenericParameters)
                RuntimeHelpers.PrepareMethod(method.MethodHandle);
        }
    }
}
