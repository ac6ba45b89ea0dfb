using System.Globalization;

namespace Workbench.Benchmarks.Model;

/// <summary>
/// <c>--shard i/n</c>: share i (from 1 to n) of a sweep split n ways. Trials are dealt round-robin in the
/// sweep's fixed order, so each share is deterministic and the shares are disjoint and cover the sweep.
/// </summary>
/// <param name="Index">Which share, from 1.</param>
/// <param name="Count">How many shares.</param>
public readonly record struct Shard(int Index, int Count)
{
    /// <summary>The whole sweep.</summary>
    public static Shard All => new(1, 1);

    /// <summary>Whether the trial at <paramref name="position"/> (from 0) of the sweep belongs to this share.</summary>
    public bool Includes(int position) => position % Count == Index - 1;

    /// <summary>Parses <c>i/n</c>.</summary>
    /// <exception cref="UsageException">Not of that form, or i outside 1..n.</exception>
    public static Shard Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            || count < 1 || index < 1 || index > count)
        {
            throw new UsageException($"bad shard '{text}': write --shard i/n with 1 <= i <= n, e.g. --shard 1/4");
        }
        return new Shard(index, count);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Index}/{Count}";
}
