using System.Runtime.InteropServices;

namespace Workbench.Allocator.Testing;

/// <summary>
/// Byte patterns for memory checks, shared by the tests and the probe: a block is filled with
/// a pattern derived from its address and size, so that any byte written by someone else (a
/// neighbour overrun, a block handed out twice) shows up when the block is checked.
/// </summary>
public static unsafe class Pattern
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>The pattern seed of a block at <paramref name="p"/> of <paramref name="size"/> bytes.</summary>
    public static ulong SeedFor(void* p, nuint size)
    {
        ulong z = (ulong)p ^ ((ulong)size * 0xC2B2AE3D27D4EB4FUL) ^ 0x5DEECE66DUL;
        z ^= z >> 33;
        z *= 0xFF51AFD7ED558CCDUL;
        z ^= z >> 33;
        z *= 0xC4CEB9FE1A85EC53UL;
        z ^= z >> 33;
        return z;
    }

    private static ulong Word(ulong seed, nuint k) => seed ^ ((ulong)k * Golden) ^ ((ulong)k << 57);

    /// <summary>Fills <paramref name="length"/> bytes at <paramref name="p"/> with the pattern of <paramref name="seed"/>.</summary>
    public static void Fill(void* p, nuint length, ulong seed)
    {
        ulong* w = (ulong*)p;
        nuint words = length / 8;
        for (nuint k = 0; k < words; k++)
            w[k] = Word(seed, k);
        byte* b = (byte*)p;
        ulong last = Word(seed, words);
        for (nuint i = words * 8; i < length; i++)
            b[i] = (byte)(last >> (int)(8 * (i - words * 8)));
    }

    /// <summary>Returns the index of the first byte that differs from the pattern, or -1.</summary>
    public static long Check(void* p, nuint length, ulong seed)
    {
        ulong* w = (ulong*)p;
        nuint words = length / 8;
        for (nuint k = 0; k < words; k++)
        {
            if (w[k] != Word(seed, k))
            {
                ulong diff = w[k] ^ Word(seed, k);
                return (long)(k * 8) + System.Numerics.BitOperations.TrailingZeroCount(diff) / 8;
            }
        }
        byte* b = (byte*)p;
        ulong last = Word(seed, words);
        for (nuint i = words * 8; i < length; i++)
        {
            if (b[i] != (byte)(last >> (int)(8 * (i - words * 8))))
                return (long)i;
        }
        return -1;
    }

    /// <summary>Returns the index of the first byte that is not <paramref name="value"/>, or -1.</summary>
    public static long CheckByte(void* p, nuint length, byte value)
    {
        byte* b = (byte*)p;
        nuint done = 0;
        while (done < length)
        {
            int chunk = (int)Math.Min(length - done, (nuint)(1 << 30));
            int at = new ReadOnlySpan<byte>(b + done, chunk).IndexOfAnyExcept(value);
            if (at >= 0)
                return (long)done + at;
            done += (nuint)chunk;
        }
        return -1;
    }

    /// <summary>Sets <paramref name="length"/> bytes at <paramref name="p"/> to <paramref name="value"/>.</summary>
    public static void FillByte(void* p, nuint length, byte value) => NativeMemory.Fill(p, length, value);
}
