using System.Runtime.InteropServices;

namespace Workbench.Allocator.Preload;

/// <summary>
/// The allocator's life in a native process: started once by the front's constructor, a heap for each thread
/// the front attaches, the heap back to the pool when the front sees the thread leave, and the frees the front
/// had to put aside while a thread could not run C# code.
/// </summary>
/// <remarks>
/// Invariants:
/// <list type="bullet">
/// <item><see cref="s_deferred"/> points at the front's list of put-aside blocks: a Treiber stack of cfa-malloc
/// blocks linked through their first word, pushed by the front with CAS, emptied here with one exchange.</item>
/// <item>After <see cref="Start"/> the pool hears of each thread's exit from the front (no finalizer, no managed
/// object per thread), so that a running program never makes the hosted runtime collect.</item>
/// </list>
/// </remarks>
internal static unsafe partial class Lifecycle
{
    private static nint* s_deferred;

    /// <summary>
    /// Starts the allocator: the options from the environment, the pool told that the front reports exits, and every
    /// routine called once, so that the class constructors that the fast paths rely on have run
    /// (<see cref="FastExports"/>). Returns 1 in checked mode, 0 otherwise, -1 when it cannot start.
    /// </summary>
    internal static int Start(nint* deferred)
    {
        try
        {
            s_deferred = deferred;
            HeapPool.ReportExitsFromHost();
            void* p = CfaMalloc.Malloc(1);
            p = CfaMalloc.Realloc(p, 100);
            CfaMalloc.Free(CfaMalloc.Memalign(64, 100));
            CfaMalloc.Free(CfaMalloc.Calloc(1, 100));
            _ = CfaMalloc.MallocUsableSize(p);
            CfaMalloc.Free(p);
            HeapPool.ReleaseCurrent();
            return CfaMalloc.IsChecked ? 1 : 0;
        }
        catch (Exception e)
        {
            Write(2, $"cfa-malloc: cannot start ({e.Message}); this process keeps glibc's malloc\n");
            return -1;
        }
    }

    /// <summary>Gives the calling thread its heap; 1 when it has one (0: out of memory, the front serves it from glibc).</summary>
    internal static int Attach()
    {
        DrainDeferred();
        return HeapPool.Acquire() != null ? 1 : 0;
    }

    /// <summary>The calling thread is leaving: its heap goes back to the pool.</summary>
    internal static void Detach() => HeapPool.ReleaseCurrent();

    /// <summary>Frees the blocks the front put aside.</summary>
    internal static void DrainDeferred()
    {
        if (s_deferred == null || Volatile.Read(ref *s_deferred) == 0)
            return;
        var p = (void*)Interlocked.Exchange(ref *s_deferred, 0);
        while (p != null)
        {
            void* next = *(void**)p;
            CfaMalloc.Free(p);
            p = next;
        }
    }

    /// <summary>Ends the process on a misuse found in checked mode: one line with the address on stderr, then abort.</summary>
    internal static void Fatal(HeapCorruptionException e)
    {
        Write(2, e.Message + "\n");
        abort();
    }

    /// <summary>Writes <paramref name="text"/> to the file descriptor <paramref name="fd"/> (UTF-8), whole.</summary>
    internal static void Write(int fd, string text)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
        fixed (byte* start = bytes)
        {
            nint done = 0;
            while (done < bytes.Length)
            {
                nint n = write(fd, start + done, (nuint)(bytes.Length - done));
                if (n <= 0)
                    return;
                done += n;
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "write")]
    private static partial nint write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "abort")]
    private static partial void abort();
}
