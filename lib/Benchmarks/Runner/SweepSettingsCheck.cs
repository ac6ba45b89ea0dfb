using System.Globalization;
using Workbench.Benchmarks.Model;

namespace Workbench.Benchmarks.Runner;

/// <summary>
/// The checks of a sweep's own settings that come before anything else in the plan: no list left null by a
/// deserialiser (<c>benchmarks:</c> with no value, <c>"knobs": {"iterations": null}</c>), no empty item in a list, and
/// the repetitions, the warm-up runs, the time limit and the sampling interval within the ranges <see cref="SweepDefinition"/> declares. Each failure is a
/// <see cref="UsageException"/> of one line naming the setting as it is written, on the command line and in an
/// experiment file, the value, the range and what to type instead.
/// </summary>
internal static class SweepSettingsCheck
{
    /// <summary>Throws on the first setting that is null or out of range.</summary>
    /// <exception cref="UsageException">A list is null or holds an empty item, or a value is out of its range.</exception>
    public static void Check(SweepDefinition definition)
    {
        NotNull(definition.Benchmarks, "benchmarks", "benchmarks: [churn]");
        NotNull(definition.Allocators, "allocators", "allocators: [cfa, glibc]");
        NotNull(definition.Threads, "threads", "threads: [1, 2]");
        NotNull(definition.Sizes, "sizes", "sizes: [uniform:16-1024]");
        NotNull(definition.Knobs, "knobs", "knobs: { iterations: [100000] }");
        NotNull(definition.Cpus, "cpus", "cpus: [0, 1]");
        NoEmptyItem(definition.Benchmarks, "benchmarks", "benchmarks: [churn]");
        NoEmptyItem(definition.Allocators, "allocators", "allocators: [cfa, glibc]");
        NoEmptyItem(definition.Sizes, "sizes", "sizes: [uniform:16-1024]");
        foreach ((KnobName knob, List<long>? values) in definition.Knobs)
        {
            if (values is null || values.Count == 0)
            {
                throw new UsageException($"knob '{knob}' has no value: write --set {knob}=VALUE, or in an experiment file knobs: {{ {knob}: [VALUE] }}");
            }
        }
        if (definition.Repetitions is < 1 or > SweepDefinition.MaxRepetitions)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"bad repetitions {definition.Repetitions} (--repetitions, or repetitions in an experiment file): it must be from 1 to {SweepDefinition.MaxRepetitions}; write e.g. --repetitions 5"));
        }
        if (definition.Warmup is < 0 or > SweepDefinition.MaxWarmup)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"bad warmup {definition.Warmup} (--warmup, or warmup in an experiment file): it must be from 0 to {SweepDefinition.MaxWarmup} untimed runs; write e.g. --warmup 1"));
        }
        double timeout = definition.TimeoutSeconds;
        if (!(timeout >= SweepDefinition.MinTimeoutSeconds && timeout <= SweepDefinition.MaxTimeoutSeconds))
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"bad timeout {timeout} (--timeout, or timeout_seconds in an experiment file): it must be a number of seconds from {SweepDefinition.MinTimeoutSeconds} to {SweepDefinition.MaxTimeoutSeconds} (a week); write e.g. --timeout 600"));
        }
        if (definition.SampleMs is < 0 or > SweepDefinition.MaxSampleMs)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"bad sampling interval {definition.SampleMs} (--sample-ms, or sample_ms in an experiment file): it must be from 0 (no sampling) to {SweepDefinition.MaxSampleMs} milliseconds; write e.g. --sample-ms 10"));
        }
    }

    private static void NotNull(object? list, string field, string example)
    {
        if (list is null)
        {
            throw new UsageException($"'{field}' has no value (null): write a list, e.g. {example}, or [] for the default, or leave the line out");
        }
    }

    private static void NoEmptyItem(List<string> items, string field, string example)
    {
        int index = items.FindIndex(string.IsNullOrWhiteSpace);
        if (index >= 0)
        {
            throw new UsageException($"'{field}' has an empty item (item {index + 1}): write names, e.g. {example}");
        }
    }
}
