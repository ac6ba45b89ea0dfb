using System.Runtime.CompilerServices;

namespace Workbench.Allocator;

/// <summary>
/// llheap's array and POSIX forms of the reshaping routines. An array form takes a count and an element size, and
/// fails with <see cref="ENOMEM"/> when their product overflows, leaving the block as it was. A POSIX form takes the
/// address of the caller's pointer and returns an error code instead of the new block: on success it stores the new
/// block there and returns 0; on failure it returns the code and leaves the pointer and the block as they were, which
/// fixes the leak of <c>p = realloc(p, n)</c>. As realloc, a POSIX form with a size of 0 frees the block and stores null.
/// </summary>
public static unsafe partial class CfaMalloc
{
    /// <summary><see cref="Resize"/> to <paramref name="count"/> * <paramref name="size"/> bytes (llheap's resizearray).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void* ResizeArray(void* p, nuint count, nuint size)
        => TryMultiply(count, size, out nuint bytes) ? Resize(p, bytes) : Errno.Fail(ENOMEM);

    /// <summary><see cref="AlignedResize"/> to <paramref name="count"/> * <paramref name="size"/> bytes (aligned_resizearray).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void* AlignedResizeArray(void* p, nuint alignment, nuint count, nuint size)
        => TryMultiply(count, size, out nuint bytes) ? AlignedResize(p, alignment, bytes) : Errno.Fail(ENOMEM);

    /// <summary><see cref="AlignedRealloc"/> to <paramref name="count"/> * <paramref name="size"/> bytes (aligned_reallocarray).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void* AlignedReallocArray(void* p, nuint alignment, nuint count, nuint size)
        => TryMultiply(count, size, out nuint bytes) ? AlignedRealloc(p, alignment, bytes) : Errno.Fail(ENOMEM);

    /// <summary>
    /// <see cref="Realloc"/> of <c>*<paramref name="p"/></c> (posix_realloc): 0 with the new block in
    /// <c>*<paramref name="p"/></c>, or <see cref="ENOMEM"/> with the block untouched; <see cref="EINVAL"/> when
    /// <paramref name="p"/> is null.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int PosixRealloc(void** p, nuint size)
        => p == null ? EINVAL : Store(p, Realloc(*p, size), size);

    /// <summary><see cref="PosixRealloc"/> to <paramref name="count"/> * <paramref name="size"/> bytes (posix_reallocarray).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int PosixReallocArray(void** p, nuint count, nuint size)
    {
        if (p == null)
            return EINVAL;
        return TryMultiply(count, size, out nuint bytes) ? Store(p, Realloc(*p, bytes), bytes) : ENOMEM;
    }

    /// <summary>
    /// <see cref="AlignedRealloc"/> of <c>*<paramref name="p"/></c> (posix_aligned_realloc): 0, or
    /// <see cref="EINVAL"/> for an alignment that is no power of two, or <see cref="ENOMEM"/>, with the block untouched.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int PosixAlignedRealloc(void** p, nuint alignment, nuint size)
        => p == null ? EINVAL : Store(p, AlignedRealloc(*p, alignment, size), size);

    /// <summary><see cref="PosixAlignedRealloc"/> to <paramref name="count"/> * <paramref name="size"/> bytes (posix_aligned_reallocarray).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int PosixAlignedReallocArray(void** p, nuint alignment, nuint count, nuint size)
    {
        if (p == null)
            return EINVAL;
        return TryMultiply(count, size, out nuint bytes) ? Store(p, AlignedRealloc(*p, alignment, bytes), bytes) : ENOMEM;
    }

    /// <summary>
    /// What the POSIX forms share: a null result for a size above 0 is a failure, whose code the routine left in
    /// <see cref="LastError"/>; anything else is stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Store(void** p, void* result, nuint bytes)
    {
        if (result == null && bytes != 0)
            return LastError;
        *p = result;
        return 0;
    }
}
