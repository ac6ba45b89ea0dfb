using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Sizes;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Runner;

/// <summary>Checks a sweep definition and expands it into its trials, in a fixed, interleaved order.</summary>
public static class SweepPlan
{
    /// <summary>The trials of the sweep.</summary>
    /// <exception cref="UsageException">A name, size spec, thread count or knob is wrong; the message says what to type.</exception>
    public static List<TrialSpec> Expand(SweepDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (RunName.Problem(definition.Name) is { } badName)
        {
            throw new UsageException(badName);
        }
        SweepSettingsCheck.Check(definition);
        List<Workload> workloads = ResolveBenchmarks(definition.Benchmarks);
        List<string> allocators = ResolveAllocators(definition.Allocators);
        if (definition.Threads.Any(t => t < 1 || t > 1024))
        {
            throw new UsageException($"bad thread count {definition.Threads.First(t => t < 1 || t > 1024)}: threads must be from 1 to 1024, e.g. --threads 1,2");
        }
        int[] badCpus = [.. definition.Cpus.Where(c => c < 0 || c >= Environment.ProcessorCount)];
        if (badCpus.Length > 0)
        {
            throw new UsageException($"bad CPU {badCpus[0]}: this machine has CPUs 0 to {Environment.ProcessorCount - 1}, e.g. --cpus 0,1");
        }
        if (definition.Cpus.Distinct().Count() != definition.Cpus.Count)
        {
            throw new UsageException($"CPU list {string.Join(',', definition.Cpus)} names a CPU twice: write each once, e.g. --cpus 0,1");
        }
        List<string> sizeSpecs = [];
        foreach (string spec in definition.Sizes)
        {
            try
            {
                sizeSpecs.Add(SizeDistribution.Parse(spec).Spec);
            }
            catch (SizeSpecException e)
            {
                throw new UsageException(e.Message, e);
            }
        }
        foreach ((KnobName setting, List<long> values) in definition.Knobs)
        {
            string knob = setting.Name;
            List<Workload> scoped = [.. workloads.Where(w => setting.AppliesTo(w.Name))];
            if (setting.Benchmark is not null && scoped.Count == 0)
            {
                throw new UsageException($"knob '{setting}' names benchmark '{setting.Benchmark}', which is not in this sweep: use one of {string.Join(",", workloads.Select(w => w.Name))}, e.g. --set {new KnobName(workloads[0].Name, knob)}=...");
            }
            Knob[] matching = [.. scoped.SelectMany(w => w.Knobs).Where(k => k.Name == knob)];
            if (matching.Length == 0)
            {
                string known = string.Join(", ", scoped.SelectMany(w => w.Knobs).Select(k => k.Name).Distinct());
                throw new UsageException($"unknown knob '{knob}' for {string.Join(",", scoped.Select(w => w.Name))}: use one of {known} (see workbench list)");
            }
            if (values.Count == 0)
            {
                throw new UsageException($"knob '{knob}' has no value: write --set {knob}=VALUE");
            }
            foreach (long value in values)
            {
                if (matching.Select(k => k.Problem(setting, value)).FirstOrDefault(p => p is not null) is { } problem)
                {
                    throw new UsageException(problem);
                }
            }
        }

        List<TrialSpec> trials = [];
        foreach (Workload workload in workloads)
        {
            IReadOnlyList<int> threads = definition.Threads.Count > 0 ? definition.Threads : definition.Quick ? workload.QuickThreads : [1];
            IReadOnlyList<string> sizes = sizeSpecs.Count > 0 ? sizeSpecs : DefaultSizes(workload, definition.Quick);
            List<SortedDictionary<string, long>> knobSets = KnobCombinations(workload, definition);
            foreach (string allocator in allocators)
            {
                foreach (int t in threads)
                {
                    foreach (string size in sizes)
                    {
                        foreach (SortedDictionary<string, long> knobs in knobSets)
                        {
                            for (int r = 1; r <= definition.Repetitions; r++)
                            {
                                trials.Add(new TrialSpec
                                {
                                    Benchmark = workload.Name,
                                    Allocator = allocator,
                                    Threads = t,
                                    Sizes = size,
                                    Repetition = r,
                                    Knobs = new SortedDictionary<string, long>(knobs, StringComparer.Ordinal),
                                    Seed = definition.Seed,
                                    Warmup = definition.Warmup,
                                    SampleMs = definition.SampleMs,
                                    Cpus = definition.Cpus.Count == 0 ? [] : [.. definition.Cpus.Take(Math.Max(t, 1))],
                                });
                            }
                        }
                    }
                }
            }
        }
        // Interleaved: each repetition runs every configuration in turn, with every allocator's trial of a
        // configuration back to back. A machine whose speed drifts (a shared VM) then slows all allocators of a
        // comparison alike, instead of the ones whose trials happened to run in a slow stretch. The allocators'
        // order rotates by one from one configuration and repetition to the next, so that no allocator always runs
        // first after another benchmark (while the previous trial's process is still being torn down).
        Dictionary<string, int> configurations = [];
        foreach (TrialSpec trial in trials)
        {
            configurations.TryAdd(ConfigurationOf(trial), configurations.Count);
        }
        int n = allocators.Count;
        return [.. trials.OrderBy(t => t.Repetition).ThenBy(t => configurations[ConfigurationOf(t)])
            .ThenBy(t => ((allocators.IndexOf(t.Allocator) - (t.Repetition - 1) - configurations[ConfigurationOf(t)]) % n + n) % n)];
    }

    /// <summary>A trial's identity without its allocator and repetition.</summary>
    private static string ConfigurationOf(TrialSpec trial) => TrialSpec.MakeKey(trial.Benchmark, "", trial.Threads, trial.Sizes, 0, trial.Knobs);

    /// <summary>The workloads named (all when none is).</summary>
    public static List<Workload> ResolveBenchmarks(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0 || (names.Count == 1 && names[0] == "all"))
        {
            return [.. WorkloadCatalog.All];
        }
        List<Workload> workloads = [];
        foreach (string name in names)
        {
            Workload workload = WorkloadCatalog.Find(name)
                ?? throw new UsageException($"unknown benchmark '{name}': use one of {WorkloadCatalog.Names} (see workbench list)");
            if (!workloads.Contains(workload))
            {
                workloads.Add(workload);
            }
        }
        return workloads;
    }

    /// <summary>The allocators named (every available one when none is).</summary>
    public static List<string> ResolveAllocators(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0 || (names.Count == 1 && names[0] == "all"))
        {
            return [.. AllocatorCatalog.Available.Select(a => a.Name)];
        }
        List<string> allocators = [];
        foreach (string name in names)
        {
            AllocatorInfo info = AllocatorCatalog.Find(name)
                ?? throw new UsageException($"unknown allocator '{name}': use one of {AllocatorCatalog.Names}, e.g. --allocators cfa,glibc");
            if (!allocators.Contains(info.Name))
            {
                allocators.Add(info.Name);
            }
        }
        return allocators;
    }

    private static List<string> DefaultSizes(Workload workload, bool quick)
    {
        try
        {
            return [.. (quick ? workload.QuickSizes : [workload.DefaultSizes]).Select(s => SizeDistribution.Parse(s).Spec)];
        }
        catch (SizeSpecException e)
        {
            throw new UsageException($"{workload.Name}: {e.Message}", e);
        }
    }

    private static List<SortedDictionary<string, long>> KnobCombinations(Workload workload, SweepDefinition definition)
    {
        List<SortedDictionary<string, long>> sets = [new SortedDictionary<string, long>(workload.ResolveKnobs(definition.Quick), StringComparer.Ordinal)];
        foreach (Knob knob in workload.Knobs)
        {
            // A benchmark-scoped setting (churn.iterations) wins over a plain one (iterations).
            if (!definition.Knobs.TryGetValue(new KnobName(workload.Name, knob.Name), out List<long>? values)
                && !definition.Knobs.TryGetValue(new KnobName(null, knob.Name), out values))
            {
                continue;
            }
            List<SortedDictionary<string, long>> next = [];
            foreach (SortedDictionary<string, long> set in sets)
            {
                foreach (long value in values.Distinct())
                {
                    SortedDictionary<string, long> copy = new(set, StringComparer.Ordinal) { [knob.Name] = value };
                    next.Add(copy);
                }
            }
            sets = next;
        }
        return sets;
    }
}
