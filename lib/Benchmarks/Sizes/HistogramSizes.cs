using System.Globalization;
using MathNet.Numerics.Distributions;
using Workbench.Benchmarks.Platform;

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
        // A device (/dev/zero) or a FIFO looks like an empty file to .NET, and reading it never ends or never starts.
        if (!FileKind.IsRegularFile(path))
        {
            throw new SizeSpecException($"size histogram '{path}' is not a regular file (a device, a FIFO or a directory): write file:PATH with a plain text file of lines 'size weight', e.g. file:data/sizes/example-histogram.txt");
        }
        List<long> sizes = [];
        List<double> weights = [];
        int number = 0;
        foreach (string raw in ReadLines(path))
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

    /// <summary>The most bytes read from a histogram file (a file of this size holds over a million distinct sizes).</summary>
    public const int MaxFileBytes = 16 * 1024 * 1024;

    /// <summary>The lines of the file, refusing it once more than <see cref="MaxFileBytes"/> have been read (a file in /proc says its length is 0).</summary>
    private static IEnumerable<string> ReadLines(string path)
    {
        using FileStream file = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using MemoryStream bytes = new();
        byte[] buffer = new byte[1 << 16];
        int n;
        while (bytes.Length <= MaxFileBytes && (n = file.Read(buffer, 0, buffer.Length)) > 0)
        {
            bytes.Write(buffer, 0, n);
        }
        if (bytes.Length > MaxFileBytes)
        {
            throw new SizeSpecException($"size histogram '{path}' is larger than {MaxFileBytes} bytes (16 MiB), the most this reads: write file:PATH with a histogram of lines 'size weight', one per distinct size");
        }
        using StringReader reader = new(System.Text.Encoding.UTF8.GetString(bytes.GetBuffer(), 0, (int)bytes.Length));
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }
}
