using System.Runtime.InteropServices;

namespace Workbench.Benchmarks.Allocators;

/// <summary>The routines of one native allocator, resolved once with <see cref="NativeLibrary"/>.</summary>
public sealed unsafe class NativeFunctions
{
    private static readonly Dictionary<string, NativeFunctions> s_loaded = new(StringComparer.Ordinal);
    private static readonly Lock s_lock = new();

    private NativeFunctions(NativeLibrarySpec spec, nint handle)
    {
        Spec = spec;
        Malloc = (delegate* unmanaged[SuppressGCTransition]<nuint, void*>)NativeLibrary.GetExport(handle, spec.Malloc);
        Free = (delegate* unmanaged[SuppressGCTransition]<void*, void>)NativeLibrary.GetExport(handle, spec.Free);
        Calloc = (delegate* unmanaged[SuppressGCTransition]<nuint, nuint, void*>)NativeLibrary.GetExport(handle, spec.Calloc);
        Realloc = (delegate* unmanaged[SuppressGCTransition]<void*, nuint, void*>)NativeLibrary.GetExport(handle, spec.Realloc);
        Aligned = (delegate* unmanaged[SuppressGCTransition]<nuint, nuint, void*>)NativeLibrary.GetExport(handle, spec.Aligned);
        AlignedFree = (delegate* unmanaged[SuppressGCTransition]<void*, void>)NativeLibrary.GetExport(handle, spec.AlignedFree);
        UsableSize = (delegate* unmanaged[SuppressGCTransition]<void*, nuint>)NativeLibrary.GetExport(handle, spec.UsableSize);
    }

    /// <summary>The library this came from.</summary>
    public NativeLibrarySpec Spec { get; }

    /// <summary>malloc.</summary>
    public delegate* unmanaged[SuppressGCTransition]<nuint, void*> Malloc { get; }

    /// <summary>free.</summary>
    public delegate* unmanaged[SuppressGCTransition]<void*, void> Free { get; }

    /// <summary>calloc.</summary>
    public delegate* unmanaged[SuppressGCTransition]<nuint, nuint, void*> Calloc { get; }

    /// <summary>realloc.</summary>
    public delegate* unmanaged[SuppressGCTransition]<void*, nuint, void*> Realloc { get; }

    /// <summary>The aligned routine; its argument order is <see cref="NativeLibrarySpec.AlignedSizeFirst"/>.</summary>
    public delegate* unmanaged[SuppressGCTransition]<nuint, nuint, void*> Aligned { get; }

    /// <summary>The free of aligned blocks.</summary>
    public delegate* unmanaged[SuppressGCTransition]<void*, void> AlignedFree { get; }

    /// <summary>The usable-size query.</summary>
    public delegate* unmanaged[SuppressGCTransition]<void*, nuint> UsableSize { get; }

    /// <summary>Loads the library (once per process) and resolves its routines.</summary>
    /// <exception cref="DllNotFoundException">The library is not installed.</exception>
    /// <exception cref="EntryPointNotFoundException">A routine is missing.</exception>
    public static NativeFunctions Load(NativeLibrarySpec spec)
    {
        lock (s_lock)
        {
            if (!s_loaded.TryGetValue(spec.LibraryFile, out NativeFunctions? functions))
            {
                nint handle = NativeLibrary.Load(spec.LibraryFile);
                functions = new NativeFunctions(spec, handle);
                s_loaded.Add(spec.LibraryFile, functions);
            }
            return functions;
        }
    }

    /// <summary>Whether the library can be found, without keeping it loaded.</summary>
    public static bool IsInstalled(NativeLibrarySpec spec)
    {
        // Loading jemalloc into a process that did not start with the static-TLS tunable fails,
        // so installation is judged from the file system, not by loading.
        foreach (string directory in LibraryDirectories)
        {
            if (File.Exists(Path.Combine(directory, spec.LibraryFile)))
            {
                return true;
            }
        }
        return false;
    }

    private static readonly string[] LibraryDirectories =
    [
        "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
        "/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib",
    ];
}
