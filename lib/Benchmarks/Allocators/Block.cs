using System.Runtime.CompilerServices;

namespace Workbench.Benchmarks.Allocators;

/// <summary>
/// A block handed out by an allocator under test: either unmanaged memory (an address) or a managed
/// array (for the .NET allocators <c>gc</c> and <c>arraypool</c>), with the size that was asked for.
/// Workloads read and write it only through this type, so they never hold a raw pointer.
/// </summary>
public readonly unsafe struct Block
{
    private readonly nint _address;
    private readonly byte[]? _array;
    private readonly nuint _size;

    /// <summary>A block of unmanaged memory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Block(void* address, nuint size)
    {
        _address = (nint)address;
        _array = null;
        _size = size;
    }

    /// <summary>A block that is (the first <paramref name="size"/> bytes of) a managed array.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Block(byte[] array, nuint size)
    {
        _address = 0;
        _array = array;
        _size = size;
    }

    /// <summary>Whether the allocation failed (or the slot is empty).</summary>
    public bool IsNull
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _address == 0 && _array is null;
    }

    /// <summary>The size that was asked for.</summary>
    public nuint Size => _size;

    /// <summary>The unmanaged address, or 0 for a managed block.</summary>
    public nint Address => _address;

    /// <summary>The managed array, or null for an unmanaged block.</summary>
    public byte[]? Array => _array;

    /// <summary>The same storage with another recorded size (after an in-place resize).</summary>
    public Block WithSize(nuint size) => _array is null ? new Block((void*)_address, size) : new Block(_array, size);

    /// <summary>A reference to byte <paramref name="index"/> of the block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref byte At(nuint index)
    {
        if (_array is null)
        {
            return ref *((byte*)_address + index);
        }
        return ref _array[index];
    }

    /// <summary>Writes <paramref name="value"/> into the first and the last byte, so that the page is really used.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Touch(byte value)
    {
        if (_size == 0)
        {
            return;
        }
        if (_array is null)
        {
            byte* p = (byte*)_address;
            p[0] = value;
            p[_size - 1] = value;
        }
        else
        {
            _array[0] = value;
            _array[_size - 1] = value;
        }
    }

    /// <summary>
    /// Writes <paramref name="value"/> at <paramref name="from"/> and every 4 KiB after it, and into the last byte, so that
    /// every page of the block from there on is resident (a block that grew: from its old size).
    /// </summary>
    public void TouchPages(byte value, nuint from = 0)
    {
        for (nuint i = from; i < _size; i += 4096)
        {
            At(i) = value;
        }
        if (_size > 0)
        {
            At(_size - 1) = value;
        }
    }

    /// <summary>Reads the first and the last byte (summed), to check what <see cref="Touch"/> wrote.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadEnds()
    {
        if (_size == 0)
        {
            return 0;
        }
        return At(0) + At(_size - 1);
    }

    /// <summary>Writes <paramref name="value"/> into every byte.</summary>
    public void Fill(byte value)
    {
        if (_array is null)
        {
            new Span<byte>((void*)_address, checked((int)_size)).Fill(value);
        }
        else
        {
            _array.AsSpan(0, checked((int)_size)).Fill(value);
        }
    }

    /// <summary>Whether every byte is zero.</summary>
    public bool IsZero()
    {
        ReadOnlySpan<byte> span = _array is null
            ? new ReadOnlySpan<byte>((void*)_address, checked((int)_size))
            : _array.AsSpan(0, checked((int)_size));
        return !span.ContainsAnyExcept((byte)0);
    }
}
