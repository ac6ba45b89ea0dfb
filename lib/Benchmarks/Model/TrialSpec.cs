using System.Globalization;
using System.Text;

namespace Workbench.Benchmarks.Model;

/// <summary>One trial of a sweep: a benchmark on an allocator with one set of parameters, one repetition.</summary>
public sealed record TrialSpec
{
    /// <summary>The benchmark.</summary>
    public required string Benchmark { get; init; }

    /// <summary>The allocator.</summary>
    public required string Allocator { get; init; }

    /// <summary>Worker threads.</summary>
    public required int Threads { get; init; }

    /// <summary>The size spec (normalised).</summary>
    public required string Sizes { get; init; }

    /// <summary>The repetition, from 1.</summary>
    public required int Repetition { get; init; }

    /// <summary>Every knob of the benchmark with its value.</summary>
    public required SortedDictionary<string, long> Knobs { get; init; }

    /// <summary>The seed of the workload's random choices.</summary>
    public int Seed { get; init; } = 4141;

    /// <summary>Untimed runs of the workload, in the same process, before the measured one.</summary>
    public int Warmup { get; init; }

    /// <summary>Run the workload once at miniature size (untimed) first, to take JIT compilation out of the figures.</summary>
    public bool Prime { get; init; } = true;

    /// <summary>Milliseconds between samples of the RSS over time (0: none).</summary>
    public int SampleMs { get; init; } = 10;

    /// <summary>The CPUs the trial's threads are pinned to (empty: not pinned). Not part of the trial's identity.</summary>
    public int[] Cpus { get; init; } = [];

    /// <summary>The identity of the trial in a results file: what a resumed sweep compares.</summary>
    public string Key => MakeKey(Benchmark, Allocator, Threads, Sizes, Repetition, Knobs);

    /// <summary>The identity built from its parts.</summary>
    public static string MakeKey(string benchmark, string allocator, int threads, string sizes, int repetition, IEnumerable<KeyValuePair<string, long>> knobs)
    {
        StringBuilder key = new();
        key.Append(benchmark).Append('|').Append(allocator).Append('|').Append(threads.ToString(CultureInfo.InvariantCulture))
            .Append('|').Append(sizes).Append('|').Append(repetition.ToString(CultureInfo.InvariantCulture));
        foreach (KeyValuePair<string, long> knob in knobs.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            key.Append('|').Append(knob.Key).Append('=').Append(knob.Value.ToString(CultureInfo.InvariantCulture));
        }
        return key.ToString();
    }

    /// <summary>A file-name-safe form of the key.</summary>
    public string FileName
    {
        get
        {
            StringBuilder name = new();
            foreach (char c in Key)
            {
                name.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '=' ? c : '_');
            }
            return name.ToString();
        }
    }
}
