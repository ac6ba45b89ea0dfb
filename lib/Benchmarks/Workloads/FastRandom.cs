using System.Runtime.CompilerServices;

namespace Workbench.Benchmarks.Workloads;

/// <summary>xorshift32: the cheap generator used inside timed loops (the same cost for every allocator).</summary>
public struct FastRandom
{
    private uint _state;

    /// <summary>A generator from a seed (any value; 0 is replaced).</summary>
    public FastRandom(int seed) => _state = (uint)seed * 2654435761u | 1u;

    /// <summary>The next value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Next()
    {
        uint x = _state;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        _state = x;
        return x;
    }

    /// <summary>A value in [0, bound).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Below(int bound) => (int)((ulong)Next() * (uint)bound >> 32);
}
