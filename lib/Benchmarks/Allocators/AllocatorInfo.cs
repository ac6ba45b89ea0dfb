namespace Workbench.Benchmarks.Allocators;

/// <summary>
/// One entry of the allocator catalogue: everything about one allocator, in one place: its name, where it comes from,
/// its colour in figures, its struct adapter, and what its trial process needs.
/// </summary>
/// <param name="Name">The name on the command line and in results.</param>
/// <param name="Description">One line.</param>
/// <param name="Kind">Where it comes from.</param>
/// <param name="Colour">Its colour in every figure, <c>#RRGGBB</c>.</param>
/// <param name="Adapter">Its struct adapter, through which workloads run on it.</param>
public sealed record AllocatorInfo(string Name, string Description, AllocatorKind Kind, string Colour, AllocatorAdapter Adapter)
{
    private static readonly IReadOnlyDictionary<string, string> NoEnvironment = new Dictionary<string, string>();

    /// <summary>The native library, for native allocators.</summary>
    public NativeLibrarySpec? Library { get; init; }

    /// <summary>Environment variables the trial process must start with (and a preloaded program).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = NoEnvironment;

    /// <summary>How a C program runs on it (<c>LD_PRELOAD</c>); null for the allocators only C# can call.</summary>
    public PreloadSpec? Preload { get; init; }

    /// <summary>
    /// The program that runs its trials, when it is not the workbench itself (cfa-aot's, compiled ahead of time); null
    /// for the workbench. Such an allocator runs only in its own trial process, never in the runner's.
    /// </summary>
    public TrialHostSpec? Host { get; init; }

    /// <summary>Left out of the default list (test doubles).</summary>
    public bool Hidden { get; init; }

    /// <summary>
    /// Whether its free does nothing, so that its memory only grows while a trial runs (the bump floor): a workload
    /// whose figure is the memory given back skips it.
    /// </summary>
    public bool NeverFrees { get; init; }

    /// <summary>
    /// Null when the allocator can run inside the current process; else why not (an environment variable it
    /// needs at process start, e.g. jemalloc's static-TLS tunable or cfa-noown's ownership switch, is not set).
    /// </summary>
    public string? InProcessObstacle
    {
        get
        {
            if (Host is not null)
            {
                return $"skipped: {Name} runs only in its own trial process ({Host.Program}): run it without --in-process";
            }
            foreach ((string name, string value) in Environment)
            {
                string? current = System.Environment.GetEnvironmentVariable(name);
                bool isDefault = name == "CFA_MALLOC_OWNERSHIP" && value == "1";
                if (current != value && !(current is null && isDefault))
                {
                    return $"skipped: {Name} needs {name}={value} when its process starts: run it without --in-process";
                }
            }
            return null;
        }
    }

    /// <summary>
    /// Null when an unmodified program can run on the allocator here (<c>LD_PRELOAD</c>); else a one-line reason: the
    /// allocator exists only for C# code, or its library is missing (named with where it comes from).
    /// </summary>
    public string? PreloadUnavailable => Host is not null
        ? $"skipped: {Name} is a trial process for C# workloads; a program runs on cfa-malloc compiled ahead of time already (libcfamalloc.so): use -a cfa"
        : Preload is null
        ? $"skipped: {Name} is an allocator for C# code only, and a program runs only on a malloc it can preload"
        : Preload.Resolve() is null ? $"skipped: {Name}: {Preload.Library} not found ({Preload.Source})" : null;

    /// <summary>Null when the allocator can run here; else a one-line reason that names the Debian package or the build script.</summary>
    public string? Unavailable
    {
        get
        {
            if (Host is not null && Host.Resolve() is null)
            {
                return $"skipped: {Name}: {Host.Program} not built ({Host.Source})";
            }
            if (Library is not null && !NativeFunctions.IsInstalled(Library))
            {
                return $"skipped: {Name}: {Library.LibraryFile} not found (Debian package {Library.Package})";
            }
            return null;
        }
    }
}
