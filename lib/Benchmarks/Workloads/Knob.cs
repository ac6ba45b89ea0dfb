using System.Globalization;
using Workbench.Benchmarks.Model;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// One parameter of a workload, with its published default, its value under <c>--quick</c> and the range of values it
/// accepts. The range is declared here, with the knob, and is the only one: the sweep plan checks every value given for
/// a knob against it before any trial starts (<see cref="Problem"/>), so a value the workload cannot run (a table of
/// 2^31 slots, 2^63 iterations) never reaches a trial. Invariant: <c>Min &lt;= Default &lt;= Max</c> and
/// <c>Min &lt;= Quick &lt;= Max</c> (a test checks every workload's knobs); ranges keep each per-thread table well
/// under 2^31 entries and a trial's memory and time within reach of this machine class.
/// </summary>
/// <param name="Name">The name used on the command line (<c>--set name=value</c>) and as a results column.</param>
/// <param name="Description">What it changes.</param>
/// <param name="Default">The default (the published suites' value where there is one).</param>
/// <param name="Quick">The value under <c>--quick</c>, small enough for the whole suite to take a minute or two.</param>
/// <param name="Min">The smallest accepted value.</param>
/// <param name="Max">The largest accepted value.</param>
/// <param name="PowerOfTwo">Whether only powers of two are accepted (an alignment).</param>
public sealed record Knob(string Name, string Description, long Default, long Quick, long Min, long Max, bool PowerOfTwo = false)
{
    /// <summary>
    /// Null when <paramref name="value"/> is within the range; else one line that names the knob as it was written
    /// (<paramref name="setting"/>), the value, the range and what to type instead.
    /// </summary>
    public string? Problem(KnobName setting, long value) => value >= Min && value <= Max && (!PowerOfTwo || long.IsPow2(value))
        ? null
        : string.Create(CultureInfo.InvariantCulture,
            $"bad value {value} for knob '{setting}': it must be a whole number{(PowerOfTwo ? ", a power of two," : "")} from {Min} to {Max}; write e.g. --set {setting}={Default} (its default)");
}
