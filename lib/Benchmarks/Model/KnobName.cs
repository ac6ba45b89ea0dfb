using System.Text.Json.Serialization;

namespace Workbench.Benchmarks.Model;

/// <summary>
/// How a sweep names a knob: <c>NAME</c>, the knob of every benchmark of the sweep that has one of that name, or
/// <c>BENCHMARK.NAME</c>, that benchmark's knob only (<c>--set churn.iterations=1000</c>, an experiment file's
/// <c>knobs:</c>). Inside a trial the benchmark is known, so there a knob goes by its <see cref="Name"/> alone: in
/// <see cref="TrialSpec.Knobs"/>, in the workload, and as its column of <c>results.csv</c>.
/// </summary>
/// <param name="Benchmark">The benchmark it is limited to; null for every benchmark that has the knob.</param>
/// <param name="Name">The knob's own name.</param>
[JsonConverter(typeof(KnobNameJsonConverter))]
public readonly record struct KnobName(string? Benchmark, string Name)
{
    /// <summary>Reads <c>NAME</c> or <c>BENCHMARK.NAME</c> (the benchmark is all before the last dot).</summary>
    public static KnobName Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int dot = text.LastIndexOf('.');
        return dot < 0 ? new KnobName(null, text) : new KnobName(text[..dot], text[(dot + 1)..]);
    }

    /// <summary>Whether it names a knob of <paramref name="benchmark"/>'s (that has a knob of its <see cref="Name"/>).</summary>
    public bool AppliesTo(string benchmark) => Benchmark is null || Benchmark == benchmark;

    /// <summary>As written: <c>NAME</c> or <c>BENCHMARK.NAME</c>.</summary>
    public override string ToString() => Benchmark is null ? Name : $"{Benchmark}.{Name}";
}
