namespace Workbench.Allocator.Probe;

/// <summary>Which pages of the process are in memory, as the kernel reports it (mincore).</summary>
internal static unsafe class PageResidency
{
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mincore")]
    private static extern int mincore(void* address, nuint length, byte* residency);

    /// <summary>How many of the <paramref name="pages"/> pages from <paramref name="start"/> are resident (mincore).</summary>
    public static int ResidentPages(nuint start, int pages)
    {
        byte* flags = stackalloc byte[pages];
        if (mincore((void*)start, (nuint)(pages * Environment.SystemPageSize), flags) != 0)
            throw new InvalidOperationException("mincore failed");
        int resident = 0;
        for (int i = 0; i < pages; i++)
            resident += flags[i] & 1;
        return resident;
    }
}
