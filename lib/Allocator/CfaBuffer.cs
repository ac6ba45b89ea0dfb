namespace Workbench.Allocator;

/// <summary>
/// The typed face of cfa-malloc: an owner of <see cref="Length"/> elements of
/// <typeparamref name="T"/> in cfa-malloc storage, used through <see cref="Span"/> and
/// given back by <see cref="Dispose"/>. Its alignment and zero fill are sticky through
/// <see cref="Realloc"/>, as the thesis's type-safe front end keeps them.
/// </summary>
/// <typeparam name="T">An unmanaged element type.</typeparam>
public sealed unsafe class CfaBuffer<T> : IDisposable where T : unmanaged
{
    private void* _pointer;

    internal CfaBuffer(int count, nuint alignment, bool zeroFill)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        // As memalign, which returns EINVAL for it: an alignment must be a power of two (up to 16 means the default).
        if (!System.Numerics.BitOperations.IsPow2(alignment))
            throw new ArgumentOutOfRangeException(nameof(alignment), alignment, $"an alignment must be a power of two, such as 16 or 64; {alignment} is not");
        nuint size = (nuint)sizeof(T);
        _pointer = (alignment, zeroFill) switch
        {
            ( <= 16, false) => CfaMalloc.Aalloc((nuint)count, size),
            ( <= 16, true) => CfaMalloc.Calloc((nuint)count, size),
            (_, false) => CfaMalloc.Amemalign(alignment, (nuint)count, size),
            (_, true) => CfaMalloc.Cmemalign(alignment, (nuint)count, size),
        };
        if (_pointer == null)
            throw Failure(count);
        Length = count;
    }

    /// <summary>The number of elements.</summary>
    public int Length { get; private set; }

    /// <summary>The elements.</summary>
    public Span<T> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(_pointer == null, this);
            return new Span<T>(_pointer, Length);
        }
    }

    /// <summary>The address of the first element (for interop and diagnostics).</summary>
    public nint Address
    {
        get
        {
            ObjectDisposedException.ThrowIf(_pointer == null, this);
            return (nint)_pointer;
        }
    }

    /// <summary>The alignment the buffer keeps.</summary>
    public nuint Alignment => CfaMalloc.MallocAlignment(_pointer);

    /// <summary>Whether the buffer is zero-filled (new elements after a grow are zero).</summary>
    public bool ZeroFilled => CfaMalloc.MallocZeroFill(_pointer);

    /// <summary>
    /// Changes the number of elements, keeping the contents up to the smaller length, the
    /// alignment and the zero fill (new elements of a zero-filled buffer are zero).
    /// </summary>
    public void Realloc(int newCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(newCount);
        ObjectDisposedException.ThrowIf(_pointer == null, this);
        nuint bytes = (nuint)newCount * (nuint)sizeof(T);
        // Realloc(p, 0) would free the block: keep a minimal block instead so the buffer stays valid.
        void* moved = CfaMalloc.Realloc(_pointer, bytes == 0 ? 1 : bytes);
        if (moved == null)
            throw Failure(newCount);
        _pointer = moved;
        Length = newCount;
    }

    /// <summary>Frees the storage; later calls do nothing.</summary>
    public void Dispose()
    {
        void* p = _pointer;
        _pointer = null;
        if (p != null)
            CfaMalloc.Free(p);
    }

    private static OutOfMemoryException Failure(int count)
        => new($"cfa-malloc could not allocate {count} elements of {typeof(T).Name} (errno {CfaMalloc.LastError}).");
}
