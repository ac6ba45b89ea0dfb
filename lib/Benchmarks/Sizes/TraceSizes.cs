using MathNet.Numerics.Distributions;
using Workbench.Benchmarks.Traces;

namespace Workbench.Benchmarks.Sizes;

/// <summary>
/// <c>trace:PATH</c>: the trace file at PATH. For <c>trace-replay</c> it names the trace to replay; any other benchmark
/// draws its sizes from the trace's exact empirical distribution of requested sizes (from the trace's summary).
/// </summary>
public sealed class TraceSizes : SizeDistribution
{
    private readonly long[] _sizes;
    private readonly double[] _cumulative;

    private TraceSizes(string path, string file, TraceInfo info)
    {
        Path = path;
        File = file;
        Info = info;
        _sizes = [.. info.Sizes.Select(s => Math.Min(s.Key, MaxSize))];
        _cumulative = new double[_sizes.Length];
        double running = 0;
        for (int i = 0; i < _sizes.Length; i++)
        {
            running += info.Sizes[i].Value;
            _cumulative[i] = running;
        }
    }

    /// <summary>The path as written in the spec.</summary>
    public string Path { get; }

    /// <summary>The file found for it (see <see cref="TraceFiles.Resolve"/>).</summary>
    public string File { get; }

    /// <summary>The trace's summary.</summary>
    public TraceInfo Info { get; }

    /// <inheritdoc />
    public override string Spec => $"trace:{Path}";

    /// <inheritdoc />
    public override long Min => _sizes.Length == 0 ? 0 : _sizes[0];

    /// <inheritdoc />
    public override long Max => _sizes.Length == 0 ? 0 : _sizes[^1];

    /// <inheritdoc />
    public override double Mean
    {
        get
        {
            double requests = Info.Sizes.Sum(s => (double)s.Value);
            return requests == 0 ? 0 : Info.Sizes.Sum(s => (double)s.Key * s.Value) / requests;
        }
    }

    /// <inheritdoc />
    public override long Sample(Random random) =>
        _sizes.Length == 0 ? 0 : _sizes[Categorical.SampleWithCumulativeDistribution(random, _cumulative)];

    /// <summary>Opens the trace's summary.</summary>
    /// <exception cref="SizeSpecException">The file is missing or not a whole trace.</exception>
    public static TraceSizes Load(string path)
    {
        string file = TraceFiles.Resolve(path)
            ?? throw new SizeSpecException($"trace file '{path}' not found: write trace:PATH with an existing .trace file, e.g. trace:data/traces/sqlite3.trace");
        try
        {
            using TraceReader reader = TraceReader.Open(file);
            return new TraceSizes(path, file, reader.Info);
        }
        catch (TraceFormatException e)
        {
            throw new SizeSpecException(e.Message);
        }
    }
}
