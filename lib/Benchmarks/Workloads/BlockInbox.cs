using Workbench.Benchmarks.Allocators;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// The batches of blocks other threads handed one thread to free (rptest's foreign lists, sh8bench's migration): a
/// lock-free stack that any thread pushes onto and the owner takes whole. Invariant: a batch is in at most one inbox,
/// and its blocks are freed exactly once, by the owner that took it.
/// </summary>
internal sealed class BlockInbox
{
    private Batch? _head;

    /// <summary>Hands <paramref name="blocks"/> to the owner.</summary>
    public void Push(Block[] blocks)
    {
        Batch batch = new(blocks);
        while (true)
        {
            Batch? head = Volatile.Read(ref _head);
            batch.Next = head;
            if (Interlocked.CompareExchange(ref _head, batch, head) == head)
            {
                return;
            }
        }
    }

    /// <summary>Frees every block handed so far, batch by batch, each batch in its own order; returns how many.</summary>
    public long FreeAll<TAllocator>(TAllocator allocator)
        where TAllocator : struct, IAllocator
    {
        long freed = 0;
        for (Batch? batch = Interlocked.Exchange(ref _head, null); batch is not null; batch = batch.Next)
        {
            foreach (Block block in batch.Blocks)
            {
                allocator.Free(block);
            }
            freed += batch.Blocks.Length;
        }
        return freed;
    }

    /// <summary>One hand-over, and the one pushed before it.</summary>
    private sealed class Batch(Block[] blocks)
    {
        public Block[] Blocks { get; } = blocks;

        public Batch? Next { get; set; }
    }
}
