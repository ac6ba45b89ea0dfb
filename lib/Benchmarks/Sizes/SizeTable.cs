using System.Runtime.CompilerServices;

namespace Workbench.Benchmarks.Sizes;

/// <summary>
/// Sizes drawn ahead of the timed loop (a power-of-two ring of them), so that drawing a size in the
/// loop costs one load and no random-number generation.
/// </summary>
public sealed class SizeTable
{
    private readonly nuint[] _sizes;
    private readonly int _mask;

    /// <summary>Draws <paramref name="length"/> (rounded up to a power of two) sizes with the given seed.</summary>
    public SizeTable(SizeDistribution distribution, int seed, int length = 1 << 14)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        int n = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, length));
        Random random = new(seed);
        _sizes = new nuint[n];
        for (int i = 0; i < n; i++)
        {
            _sizes[i] = (nuint)distribution.Sample(random);
        }
        _mask = n - 1;
    }

    /// <summary>The i-th size (wrapping around).</summary>
    public nuint this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _sizes[index & _mask];
    }

    /// <summary>How many sizes before the ring repeats.</summary>
    public int Length => _sizes.Length;
}
