using Workbench.Allocator.Testing;

namespace Workbench.Allocator.Probe;

/// <summary>A thread that allocates blocks, writes them, frees them all and exits: its heap then holds them free.</summary>
internal static unsafe class ExitedThread
{
    /// <summary>Runs the thread to its end: <paramref name="count"/> blocks of <paramref name="size"/> bytes, each filled with 0x42.</summary>
    public static void FreeBlocks(int count, nuint size)
    {
        var t = new Thread(() =>
        {
            var blocks = new nint[count];
            for (int i = 0; i < count; i++)
            {
                blocks[i] = (nint)CfaMalloc.Malloc(size);
                Pattern.FillByte((void*)blocks[i], size, 0x42);
            }
            foreach (nint p in blocks)
                CfaMalloc.Free((void*)p);
        });
        t.Start();
        t.Join();
    }

    /// <summary>
    /// Whether <paramref name="count"/> blocks of <paramref name="size"/> bytes, allocated on the calling thread (from the
    /// blocks a trim gave back, when there are such), each keep the byte written into all of it; frees them.
    /// </summary>
    public static bool BlocksStillWork(int count, nuint size)
    {
        var blocks = new nint[count];
        for (int i = 0; i < count; i++)
        {
            blocks[i] = (nint)CfaMalloc.Malloc(size);
            Pattern.FillByte((void*)blocks[i], size, (byte)i);
        }
        bool ok = true;
        for (int i = 0; i < count; i++)
        {
            ok &= Pattern.CheckByte((void*)blocks[i], size, (byte)i) < 0;
            CfaMalloc.Free((void*)blocks[i]);
        }
        return ok;
    }
}
