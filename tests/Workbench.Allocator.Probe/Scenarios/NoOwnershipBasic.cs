using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// One thread allocates 100 blocks and another frees them: reports whether those frees went back to the owner
/// (remote pushes) and how many of the blocks the freeing thread gets again when it allocates the same size.
/// </summary>
internal static unsafe class NoOwnershipBasic
{
    public static void Run()
    {
        Put("HAS_OWNERSHIP", CfaMalloc.HasOwnership);
        const int N = 100;
        const nuint Size = 3000;
        var blocks = new nint[N];
        using var allocated = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var owner = new Thread(() =>
        {
            for (int i = 0; i < N; i++)
                blocks[i] = (nint)CfaMalloc.Malloc(Size);
            allocated.Set();
            release.Wait();
        });
        owner.Start();
        allocated.Wait();
        var set = blocks.ToHashSet();
        var freer = new Thread(() =>
        {
            int remote = blocks.Count(b => CfaMalloc.MallocRemote((void*)b));
            Put("REMOTE_BEFORE_FREE", remote);
            var s0 = CfaMalloc.GetStatistics();
            foreach (nint b in blocks)
                CfaMalloc.Free((void*)b);
            var s1 = CfaMalloc.GetStatistics();
            Put("PUSHES_DELTA", s1.RemotePushes - s0.RemotePushes);
            var again = new nint[N];
            for (int i = 0; i < N; i++)
                again[i] = (nint)CfaMalloc.Malloc(Size);
            Put("REUSED", again.Count(set.Contains));
            Put("REMOTE_AFTER", again.Count(b => CfaMalloc.MallocRemote((void*)b)));
            foreach (nint b in again)
                CfaMalloc.Free((void*)b);
        });
        freer.Start();
        freer.Join();
        release.Set();
        owner.Join();
    }
}
