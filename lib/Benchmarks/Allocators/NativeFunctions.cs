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
        _releaseFunction = spec.Release switch
        {
            NativeRelease.MallocTrim => NativeLibrary.GetExport(handle, "malloc_trim"),
            NativeRelease.JemallocPurge => NativeLibrary.GetExport(handle, "mallctl"),
            NativeRelease.TcmallocReleaseFreeMemory => NativeLibrary.GetExport(handle, "MallocExtension_ReleaseFreeMemory"),
            NativeRelease.MimallocCollect => NativeLibrary.GetExport(handle, "mi_collect"),
            NativeRelease.TbbCleanAllBuffers => NativeLibrary.GetExport(handle, "scalable_allocation_command"),
            _ => 0,
        };
    }

    private readonly nint _releaseFunction;

    /// <summary>What <see cref="ReleaseFreeMemory"/> calls, as C.</summary>
    public string ReleaseCall => Spec.Release switch
    {
        NativeRelease.MallocTrim => "malloc_trim(0)",
        NativeRelease.JemallocPurge => "mallctl(\"arena.4096.purge\")",
        NativeRelease.TcmallocReleaseFreeMemory => "MallocExtension_ReleaseFreeMemory()",
        NativeRelease.MimallocCollect => "mi_collect(true)",
        NativeRelease.TbbCleanAllBuffers => "scalable_allocation_command(TBBMALLOC_CLEAN_ALL_BUFFERS)",
        _ => "none",
    };

    /// <summary>
    /// Gives the library's free memory back to the OS with its own call (<see cref="NativeLibrarySpec.Release"/>). A
    /// full transition, not SuppressGCTransition: these calls make system calls and may take long.
    /// </summary>
    public void ReleaseFreeMemory()
    {
        switch (Spec.Release)
        {
            case NativeRelease.MallocTrim:
                ((delegate* unmanaged<nuint, int>)_releaseFunction)(0);
                break;
            case NativeRelease.JemallocPurge:
                // MALLCTL_ARENAS_ALL is 4096 in jemalloc 5.
                fixed (byte* name = "arena.4096.purge\0"u8)
                {
                    ((delegate* unmanaged<byte*, void*, void*, void*, nuint, int>)_releaseFunction)(name, null, null, null, 0);
                }
                break;
            case NativeRelease.TcmallocReleaseFreeMemory:
                ((delegate* unmanaged<void>)_releaseFunction)();
                break;
            case NativeRelease.MimallocCollect:
                ((delegate* unmanaged<byte, void>)_releaseFunction)(1);
                break;
            case NativeRelease.TbbCleanAllBuffers:
                // TBBMALLOC_CLEAN_ALL_BUFFERS is the first value of its command enum: 0.
                ((delegate* unmanaged<int, void*, int>)_releaseFunction)(0, null);
                break;
        }
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
