using System.Globalization;
using MathNet.Numerics.Distributions;

namespace Workbench.Benchmarks.Sizes;

/// <summary>
/// <c>file:PATH</c>: an empirical histogram, one line per size: <c>size weight</c> (or <c>size,weight</c>,
/// or a bare <c>size</c> for weight 1); blank lines and lines starting with <c>#</c> are ignored.
/// </summary>
public sealed class HistogramSizes : SizeDistribution
{
    private readonly string _path;
    private readonly long[] _sizes;
    private readonly double[] _weights;
    private readonly double[] _cumulative;

    private HistogramSizes(string path, long[] sizes, double[] weights)
    {
        _path = path;
        _sizes = sizes;
        _weights = weights;
        _cumulative = new double[weights.Length];
        double running = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            running += weights[i];
            _cumulative[i] = running;
        }
    }

    /// <summary>The sizes of the histogram.</summary>
    public IReadOnlyList<long> Sizes => _sizes;

    /// <summary>The weights of the sizes (not normalised).</summary>
    public IReadOnlyList<double> Weights => _weights;

    /// <inheritdoc />
    public override string Spec => $"file:{_path}";

    /// <inheritdoc />
    public override long Min => _sizes.Min();

    /// <inheritdoc />
    public override long Max => _sizes.Max();

    /// <inheritdoc />
    public override double Mean
    {
        get
        {
            double total = _weights.Sum();
            double sum = 0;
            for (int i = 0; i < _sizes.Length; i++)
            {
                sum += _sizes[i] * _weights[i];
            }
            return sum / total;
        }
    }

    /// <inheritdoc />
    public override long Sample(Random random) => _sizes[Categorical.SampleWithCumulativeDistribution(random, _cumulative)];

    /// <summary>Reads a histogram file.</summary>
    /// <exception cref="SizeSpecException">The file is missing or a line is malformed.</exception>
    public static HistogramSizes Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new SizeSpecException($"size histogram file '{path}' not found: write file:PATH with an existing file of lines 'size weight'");
        }
        List<long> sizes = [];
        List<double> weights = [];
        int number = 0;
        foreach (string raw in File.ReadLines(path))
        {
            number++;
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            string[] fields = line.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
            double weight = 1;
            if (fields.Length > 2 || !long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out long size) || size > MaxSize
                || (fields.Length == 2 && (!double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out weight) || weight < 0 || double.IsInfinity(weight))))
            {
                throw new SizeSpecException($"bad line {number} '{line}' in size histogram '{path}': write 'size weight', e.g. '64 10'");
            }
            sizes.Add(size);
            weights.Add(weight);
        }
        if (sizes.Count == 0 || weights.Sum() <= 0)
        {
            throw new SizeSpecException($"size histogram '{path}' has no size with a positive weight: write lines 'size weight', e.g. '64 10'");
        }
        return new HistogramSizes(path, [.. sizes], [.. weights]);
    }
}
