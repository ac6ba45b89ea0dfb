namespace Workbench.Allocator.Tests;

/// <summary>
/// The heap's invariants (<see cref="HeapInvariants"/>): they hold on real heaps after real work, and each check fires
/// when the structure it guards is broken. Every corruption is made on a thread of the test's own, whose heap no other
/// test touches, and undone before the thread ends, so the heap goes back to the pool sound.
/// </summary>
public unsafe class HeapInvariantTests
{
    /// <summary>Allocates <paramref name="count"/> blocks of <paramref name="size"/> bytes, filled with their index.</summary>
    private static nint[] AllocateFilled(int count, nuint size)
    {
        var blocks = new nint[count];
        for (int i = 0; i < count; i++)
        {
            void* p = CfaMalloc.Malloc(size);
            Support.NotNull(p, "Malloc");
            new Span<byte>(p, (int)size).Fill((byte)(i + 1));
            blocks[i] = (nint)p;
        }
        return blocks;
    }

    private static BlockHeader* HeaderOf(nint data) => BlockHeader.Of((void*)data);

    private static void AssertViolation(string? violation, string formula, params string[] words)
    {
        Assert.NotNull(violation);
        Assert.Contains($"({formula})", violation);
        foreach (string word in words)
            Assert.Contains(word, violation);
    }

    [Fact]
    public void EveryCheck_HoldsOnAThreadsHeap_AfterEachRoutineAndItsFree()
    {
        Support.OnOwnThread(() =>
        {
            ThreadHeap* heap = CurrentHeap.Heap;
            var blocks = new List<nint>
            {
                (nint)CfaMalloc.Malloc(100), (nint)CfaMalloc.Calloc(10, 30), (nint)CfaMalloc.Memalign(256, 1000),
                (nint)CfaMalloc.Aalloc(4, 1000), (nint)CfaMalloc.Cmemalign(64, 3, 50), (nint)CfaMalloc.Malloc(0),
                (nint)CfaMalloc.Malloc(600_000),
            };
            blocks.Add((nint)CfaMalloc.Realloc(CfaMalloc.Malloc(50), 5000));
            blocks.Add((nint)CfaMalloc.Resize(CfaMalloc.Malloc(70), 40));
            Assert.Null(HeapInvariants.Check(heap));
            foreach (nint p in blocks)
            {
                Assert.True(p != 0, $"an allocation returned null (LastError {CfaMalloc.LastError})");
                CfaMalloc.Free((void*)p);
                Assert.Null(HeapInvariants.Check(heap));
            }
            CfaMalloc.Free(null);
            Assert.Null(HeapInvariants.Check(heap));
        });
    }

    [Fact]
    public void EveryPooledHeap_SatisfiesEveryCheck_AfterThreadsHandBlocksToEachOtherAndExit()
    {
        // Eight threads each free the blocks of the next one (remote chains and remote lists), then exit: their heaps
        // go back to the pool with blocks waiting on remote lists and free lists.
        const int Threads = 8, Blocks = 500;
        var handed = new nint[Threads][];
        using var allocated = new Barrier(Threads);
        using var freed = new Barrier(Threads);
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var threads = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int me = t;
            threads[t] = new Thread(() =>
            {
                handed[me] = AllocateFilled(Blocks, (nuint)(16 + 40 * me));
                allocated.SignalAndWait();
                nint[] theirs = handed[(me + 1) % Threads];
                for (int i = 0; i < theirs.Length; i++)
                {
                    if (((byte*)theirs[i])[0] != (byte)(i + 1))
                        errors.Enqueue($"thread {me}: block {i} of thread {(me + 1) % Threads} lost its contents");
                    CfaMalloc.Free((void*)theirs[i]);
                }
                if (HeapInvariants.Check(CurrentHeap.Heap) is string broken)
                    errors.Enqueue($"thread {me}: {broken}");
                freed.SignalAndWait();
            });
            threads[t].Start();
        }
        foreach (var thread in threads)
            thread.Join();
        Assert.Empty(errors);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        int checkedHeaps = 0;
        using (HeapPool.HeapLock.Hold())
        {
            for (ThreadHeap* h = HeapPool.FreeHeaps; h != null; h = h->NextFree, checkedHeaps++)
                Assert.Null(HeapInvariants.Check(h));
        }
        Assert.True(checkedHeaps > 0, "no heap went back to the pool");
    }

    [Fact]
    public void TheListChecks_FindACycle_AndAMisalignedLink_InAFreeList()
    {
        Support.OnOwnThread(() =>
        {
            ThreadHeap* heap = CurrentHeap.Heap;
            nint[] blocks = AllocateFilled(3, 64);
            foreach (nint p in blocks)
                CfaMalloc.Free((void*)p);
            int index = SizeClasses.Bucket(64);
            // The list is now c -> b -> a -> (what was there before).
            BlockHeader* a = HeaderOf(blocks[0]), b = HeaderOf(blocks[1]), c = HeaderOf(blocks[2]);
            Assert.True(ThreadHeap.BucketOf(heap, index)->FreeList == c, "the last block freed is not at the head of its free list");
            Assert.Null(HeapInvariants.CheckBucket(heap, index));

            nuint aLink = a->Word;
            a->Word = (nuint)c;
            string? cycle = HeapInvariants.CheckBucket(heap, index);
            string? whole = HeapInvariants.Check(heap);
            a->Word = aLink;
            AssertViolation(cycle, "L2", "cycle", $"0x{(ulong)a:x}");
            Assert.NotNull(whole);

            nuint bLink = b->Word;
            b->Word = (nuint)a + 8;
            string? misaligned = HeapInvariants.CheckBucket(heap, index);
            b->Word = bLink;
            AssertViolation(misaligned, "L1", "free list", $"0x{(ulong)a + 8:x}");

            Assert.Null(HeapInvariants.Check(heap));
            // The list still serves: the three blocks come back, newest first.
            Assert.True(CfaMalloc.Malloc(64) == (void*)blocks[2]);
            Assert.True(CfaMalloc.Malloc(64) == (void*)blocks[1]);
            Assert.True(CfaMalloc.Malloc(64) == (void*)blocks[0]);
            foreach (nint p in blocks)
                CfaMalloc.Free((void*)p);
        });
    }

    [Fact]
    public void TheWholeCheck_FindsABlockOnTwoLists()
    {
        Support.OnOwnThread(() =>
        {
            ThreadHeap* heap = CurrentHeap.Heap;
            nint small = AllocateFilled(1, 64)[0], large = AllocateFilled(1, 200)[0];
            CfaMalloc.Free((void*)small);
            CfaMalloc.Free((void*)large);
            BlockHeader* s = HeaderOf(small);
            nuint link = s->Word;
            // The 64-byte list now runs into the 200-byte list: the large block is on both. Each list alone is sound.
            s->Word = (nuint)HeaderOf(large);
            string? each = HeapInvariants.CheckBucket(heap, SizeClasses.Bucket(64));
            string? whole = HeapInvariants.Check(heap);
            s->Word = link;
            Assert.Null(each);
            AssertViolation(whole, "L3", $"0x{(ulong)HeaderOf(large):x}");
            Assert.Null(HeapInvariants.Check(heap));
        });
    }

    [Fact]
    public void TheBumpAreaCheck_FindsItsEndsOutOfOrder_AndALastBlockThatDoesNotEndAtItsStart()
    {
        Support.OnOwnThread(() =>
        {
            ThreadHeap* heap = CurrentHeap.Heap;
            CfaMalloc.Free(CfaMalloc.Malloc(5000));
            Assert.Null(HeapInvariants.CheckBumpArea(heap));

            byte* next = heap->BumpNext;
            heap->BumpNext = heap->BumpEnd + 16;
            string? disordered = HeapInvariants.CheckBumpArea(heap);
            heap->BumpNext = next;
            AssertViolation(disordered, "H2", "bump area");

            BlockHeader* last = heap->LastCarved;
            heap->LastCarved = (BlockHeader*)(next - 8);
            string? lastCarved = HeapInvariants.CheckBumpArea(heap);
            heap->LastCarved = last;
            AssertViolation(lastCarved, "H3", "last block carved");

            byte* prefaulted = heap->PrefaultedEnd;
            heap->PrefaultedEnd = prefaulted + 8;
            string? unaligned = HeapInvariants.CheckBumpArea(heap);
            heap->PrefaultedEnd = prefaulted;
            AssertViolation(unaligned, "H4", "prefaulted end");
            Assert.Null(HeapInvariants.Check(heap));
        });
    }

    [Fact]
    public void TheChainCheck_FindsACountThatDisagreesWithItsBlocks()
    {
        // Thread A's blocks, freed by thread B while A lives, wait on B's outgoing chain until it fills or B exits.
        nint[] theirs = [];
        using var allocated = new ManualResetEventSlim();
        using var done = new ManualResetEventSlim();
        var owner = new Thread(() =>
        {
            theirs = AllocateFilled(3, 48);
            allocated.Set();
            done.Wait();
        });
        owner.Start();
        allocated.Wait();
        try
        {
            Support.OnOwnThread(() =>
            {
                ThreadHeap* heap = CurrentHeap.Heap;
                foreach (nint p in theirs)
                    CfaMalloc.Free((void*)p);
                int index = SizeClasses.Bucket(48);
                RemoteChain* chain = ThreadHeap.ChainOf(heap, index);
                Assert.Equal(3, chain->Count);
                Assert.Null(HeapInvariants.CheckChain(heap, index));

                chain->Count = 2;
                string? miscounted = HeapInvariants.CheckChain(heap, index);
                chain->Count = 3;
                AssertViolation(miscounted, "C2", "says 2");

                BlockHeader* tail = chain->Tail;
                chain->Tail = null;
                string? tailless = HeapInvariants.CheckChain(heap, index);
                chain->Tail = tail;
                AssertViolation(tailless, "C1");
                Assert.Null(HeapInvariants.Check(heap));
            });
        }
        finally
        {
            done.Set();
            owner.Join();
        }
    }

    [Fact]
    public void TheTallyAndBucketChecks_FindCountersThatCannotBe()
    {
        Support.OnOwnThread(() =>
        {
            ThreadHeap* heap = CurrentHeap.Heap;
            CfaMalloc.Free(CfaMalloc.Malloc(0));
            RoutineTally* malloc = ThreadHeap.Tally(heap, Routine.Malloc);
            long zero = malloc->ZeroCalls;
            malloc->ZeroCalls = malloc->Calls + 1;
            string? tooManyZeros = HeapInvariants.CheckTallies(heap);
            malloc->ZeroCalls = zero;
            AssertViolation(tooManyZeros, "T1", "Malloc");

            int index = SizeClasses.Bucket(32);
            Bucket* bucket = ThreadHeap.BucketOf(heap, index);
            long bytes = bucket->FastMallocBytes;
            bucket->FastMallocBytes = bucket->FastMallocs * (long)bucket->BlockSize + 1;
            string? overcounted = HeapInvariants.CheckBucket(heap, index);
            bucket->FastMallocBytes = bytes;
            AssertViolation(overcounted, "B2", "mallocs");
            Assert.Null(HeapInvariants.Check(heap));
        });
    }

    [Fact]
    public void ADebugBuild_AssertsTheInvariantsOnItsSlowPaths_AndAReleaseBuildDoesNot()
    {
        // The debug build's slow paths assert the heap's invariants all through a stress with cross-thread frees, and
        // MallocTrim's check of the caller's heap finds a free list bent into a cycle; the release build has no check.
        var debug = Probe.RunDebugBuild("heap-invariants");
        debug.AssertRan();
        debug.AssertEqual("DEBUG_BUILD", "True");
        debug.AssertEqual("STRESS_ERRORS", "0");
        debug.AssertEqual("STRESS_OPERATIONS", "200000");
        debug.AssertEqual("TRIM.EXCEPTION", nameof(HeapInvariantException));
        string message = debug.Get("TRIM.MESSAGE");
        Assert.Contains("(L2)", message);
        Assert.Contains(debug.Get("CYCLE_AT"), message);
        debug.AssertEqual("AFTER.EXCEPTION", "none");
        debug.AssertEqual("BLOCK_BACK_WRITABLE", "True");

#if !DEBUG
        // The suite's own probe is the release build (unless the suite itself runs in Debug).
        var release = Probe.Run("heap-invariants");
        release.AssertRan();
        release.AssertEqual("DEBUG_BUILD", "False");
        release.AssertEqual("STRESS_ERRORS", "0");
        release.AssertEqual("TRIM.EXCEPTION", "none");
        release.AssertEqual("BLOCK_BACK_WRITABLE", "True");
#endif
    }
}
