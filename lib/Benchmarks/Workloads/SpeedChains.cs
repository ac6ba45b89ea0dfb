using System.Diagnostics;
using System.Runtime.CompilerServices;
using Workbench.Benchmarks.Allocators;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// The thesis speed benchmark's routines and chains, and the tight malloc-write-free loop. A chain is a sequence of
/// stages run over a batch of blocks, each stage in turn over the whole batch (every block malloc'd, then every block
/// realloc'd, then every block freed), so that each routine is timed alone, in the same loop shape, whatever chain
/// it sits in: a chain's time is the sum of its stages' times. A routine alone (malloc, free, calloc, realloc) is its
/// stage in the first chain that has it.
/// </summary>
/// <remarks>
/// Realloc grows each block to twice its size (moving it where the allocator cannot grow it in place). The realloc
/// of realloc-free allocates (<c>realloc(NULL, n)</c>). A chain that ends without a free
/// (malloc-realloc-free-calloc) frees its last blocks untimed. No stage writes the blocks, so the times are the
/// routines' own (calloc's zero fill and realloc's copy included).
/// </remarks>
public static class SpeedChains
{
    /// <summary>One routine of a chain.</summary>
    public enum Stage
    {
        /// <summary>malloc(n) into every slot.</summary>
        Malloc,

        /// <summary>calloc(1, n) into every slot.</summary>
        Calloc,

        /// <summary>realloc of every slot to twice its size (realloc(NULL, n) where the slot is empty).</summary>
        Realloc,

        /// <summary>free of every slot.</summary>
        Free,
    }

    /// <summary>The chains, by metric name, in the thesis's order.</summary>
    public static IReadOnlyList<(string Name, Stage[] Stages)> Chains { get; } =
    [
        ("malloc_free", [Stage.Malloc, Stage.Free]),
        ("calloc_free", [Stage.Calloc, Stage.Free]),
        ("realloc_free", [Stage.Realloc, Stage.Free]),
        ("malloc_realloc_free", [Stage.Malloc, Stage.Realloc, Stage.Free]),
        ("calloc_realloc_free", [Stage.Calloc, Stage.Realloc, Stage.Free]),
        ("malloc_realloc_free_calloc", [Stage.Malloc, Stage.Realloc, Stage.Free, Stage.Calloc]),
    ];

    /// <summary>The routines timed alone, by metric name, and the chain (index into <see cref="Chains"/>) and stage each is read from.</summary>
    public static IReadOnlyList<(string Name, int Chain, int Stage)> Routines { get; } =
    [
        ("malloc", 0, 0),
        ("free", 0, 1),
        ("calloc", 1, 0),
        ("realloc", 3, 1),
    ];

    /// <summary>Whether an allocator with <paramref name="features"/> can run every stage of a chain.</summary>
    public static bool CanRun(AllocatorFeatures features, Stage[] stages) =>
        (!stages.Contains(Stage.Calloc) || (features & AllocatorFeatures.Calloc) != 0)
        && (!stages.Contains(Stage.Realloc) || (features & AllocatorFeatures.Realloc) != 0);

    /// <summary>
    /// Runs a chain <paramref name="rounds"/> times over <paramref name="blocks"/> (the batch) at one size, and returns
    /// the ticks spent in each stage, summed over the rounds.
    /// </summary>
    public static long[] Run<TAllocator>(TAllocator allocator, Stage[] stages, nuint size, Block[] blocks, long rounds)
        where TAllocator : struct, IAllocator
    {
        long[] ticks = new long[stages.Length];
        for (long r = 0; r < rounds; r++)
        {
            Array.Fill(blocks, default);
            for (int s = 0; s < stages.Length; s++)
            {
                ticks[s] += stages[s] switch
                {
                    Stage.Malloc => Mallocs(allocator, blocks, size),
                    Stage.Calloc => Callocs(allocator, blocks, size),
                    Stage.Realloc => Reallocs(allocator, blocks, size),
                    _ => Frees(allocator, blocks),
                };
            }
            if (stages[^1] != Stage.Free)
            {
                Frees(allocator, blocks);
            }
        }
        return ticks;
    }

    /// <summary>
    /// The tight pair, <c>p = malloc(n); *p = 1; free(p)</c>, <paramref name="calls"/> times at one size: no size table
    /// read and no other work in the loop. Returns the ticks.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long Tight<TAllocator>(TAllocator allocator, nuint size, long calls)
        where TAllocator : struct, IAllocator
    {
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < calls; i++)
        {
            Block b = Checked.NotNull(allocator.Malloc(size), size);
            b.At(0) = 1;
            allocator.Free(b);
        }
        return Stopwatch.GetTimestamp() - start;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Mallocs<TAllocator>(TAllocator allocator, Block[] blocks, nuint size)
        where TAllocator : struct, IAllocator
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < blocks.Length; i++)
        {
            blocks[i] = Checked.NotNull(allocator.Malloc(size), size);
        }
        return Stopwatch.GetTimestamp() - start;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Callocs<TAllocator>(TAllocator allocator, Block[] blocks, nuint size)
        where TAllocator : struct, IAllocator
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < blocks.Length; i++)
        {
            blocks[i] = Checked.NotNull(allocator.Calloc(1, size), size);
        }
        return Stopwatch.GetTimestamp() - start;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Reallocs<TAllocator>(TAllocator allocator, Block[] blocks, nuint size)
        where TAllocator : struct, IAllocator
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < blocks.Length; i++)
        {
            nuint to = blocks[i].IsNull ? size : 2 * size;
            blocks[i] = Checked.NotNull(allocator.Realloc(blocks[i], to), to);
        }
        return Stopwatch.GetTimestamp() - start;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Frees<TAllocator>(TAllocator allocator, Block[] blocks)
        where TAllocator : struct, IAllocator
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < blocks.Length; i++)
        {
            allocator.Free(blocks[i]);
        }
        long ticks = Stopwatch.GetTimestamp() - start;
        Array.Fill(blocks, default);
        return ticks;
    }
}
