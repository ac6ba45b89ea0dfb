using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Workbench.Benchmarks.Allocators;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// The ways the published programs write a block they got, each as one method so that every workload writes the same
/// pattern the same way. All go through <see cref="Block.At"/>, so they work for unmanaged and managed blocks alike.
/// </summary>
public static class BlockWrites
{
    private static readonly byte[] RampBytes = [.. Enumerable.Range(0, 256).Select(i => (byte)i)];

    /// <summary>Byte g of the block becomes (byte)g, for every byte (glibc-simple's and glibc-thread's loops).</summary>
    public static void Ramp(Block block)
    {
        Span<byte> bytes = Bytes(block, block.Size);
        ReadOnlySpan<byte> ramp = RampBytes;
        for (int offset = 0; offset < bytes.Length; offset += ramp.Length)
        {
            Span<byte> rest = bytes[offset..];
            ramp[..Math.Min(ramp.Length, rest.Length)].CopyTo(rest);
        }
    }

    /// <summary>The first min(size, <paramref name="limit"/>) bytes become <paramref name="value"/> (xmalloc-test's memset).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Prefix(Block block, nuint limit, byte value) => Bytes(block, Math.Min(block.Size, limit)).Fill(value);

    /// <summary>Every byte becomes 0 (C++'s value-initialised <c>new char[n]()</c>, as <c>std::make_unique&lt;char[]&gt;</c>).</summary>
    public static void Zero(Block block) => Bytes(block, block.Size).Clear();

    /// <summary>
    /// The block as an array of 8-byte objects of two ints, each constructed to (<paramref name="x"/>, <paramref name="y"/>)
    /// (Hoard threadtest's <c>new Foo[n]</c>); a tail shorter than 8 bytes is left alone.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void IntPairs(Block block, int x, int y)
    {
        Span<int> ints = MemoryMarshal.Cast<byte, int>(Bytes(block, block.Size & ~(nuint)7));
        for (int i = 0; i + 1 < ints.Length; i += 2)
        {
            ints[i] = x;
            ints[i + 1] = y;
        }
    }

    /// <summary>Bytes 0 and 1 become <paramref name="first"/> and <paramref name="second"/>, as far as the block reaches (larson's "write something").</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void FirstTwo(Block block, byte first, byte second)
    {
        if (block.Size >= 1)
        {
            block.At(0) = first;
        }
        if (block.Size >= 2)
        {
            block.At(1) = second;
        }
    }

    /// <summary>The first <paramref name="length"/> bytes of the block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Span<byte> Bytes(Block block, nuint length) =>
        length == 0 ? [] : MemoryMarshal.CreateSpan(ref block.At(0), checked((int)length));
}
