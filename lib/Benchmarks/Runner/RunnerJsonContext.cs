using System.Text.Json.Serialization;
using Workbench.Benchmarks.Model;

namespace Workbench.Benchmarks.Runner;

/// <summary>Source-generated JSON for what passes between the runner and its trial processes (fast start-up, no reflection).</summary>
[JsonSerializable(typeof(TrialSpec))]
[JsonSerializable(typeof(TrialResult))]
public sealed partial class RunnerJsonContext : JsonSerializerContext
{
}
