using Workbench.Benchmarks.Allocators;

namespace Workbench.Figures;

/// <summary>
/// One colour per allocator, the same in every figure: the colour its catalogue entry gives
/// (<see cref="AllocatorInfo.Colour"/>; colour-blind-safe hues from Okabe and Ito for the allocators a paper compares
/// most). Names outside the catalogue get a stable colour from a spare list (by a hash of the name).
/// </summary>
public static class AllocatorColors
{
    private static readonly string[] Spare = ["#17BECF", "#637939", "#8C6D31", "#843C39", "#7B4173", "#3182BD", "#E6550D"];

    /// <summary>The colour of an allocator, as <c>#RRGGBB</c>.</summary>
    public static string Of(string allocator)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        if (AllocatorCatalog.Find(allocator) is { } entry)
        {
            return entry.Colour;
        }
        uint hash = 2166136261;
        foreach (char c in allocator)
        {
            hash = (hash ^ c) * 16777619;
        }
        return Spare[hash % (uint)Spare.Length];
    }

    /// <summary>The colour as Plotly.NET's type.</summary>
    public static Plotly.NET.Color ColorOf(string allocator) => Plotly.NET.Color.fromHex(Of(allocator));

    /// <summary>Orders allocator names as the catalogue lists them (cfa first), unknown names last, alphabetically.</summary>
    public static IEnumerable<string> InCatalogueOrder(IEnumerable<string> allocators) =>
        allocators.Distinct(StringComparer.Ordinal).OrderBy(CatalogueIndex).ThenBy(a => a, StringComparer.Ordinal);

    /// <summary>The allocator's place in the catalogue (int.MaxValue when not in it).</summary>
    public static int CatalogueIndex(string allocator)
    {
        for (int i = 0; i < AllocatorCatalog.All.Count; i++)
        {
            if (string.Equals(AllocatorCatalog.All[i].Name, allocator, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return int.MaxValue;
    }
}
