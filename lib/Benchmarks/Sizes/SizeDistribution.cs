using System.Globalization;

namespace Workbench.Benchmarks.Sizes;

/// <summary>
/// A distribution of request sizes, written as a spec shared by every benchmark:
/// <c>fixed:N</c>, <c>uniform:A-B</c>, <c>pow2:A-B</c>, <c>geometric[:A-B[:MEAN]]</c>,
/// <c>pareto[:A-B[:ALPHA]]</c>, <c>invsquare[:A-B]</c>, <c>lineardrop:A-B</c>, <c>file:PATH</c> (an empirical histogram) or <c>trace:PATH</c> (a trace's sizes; the trace that trace-replay replays);
/// and <c>program:NAME</c>, which is not a distribution but the real program that the program benchmark runs.
/// </summary>
public abstract class SizeDistribution
{
    /// <summary>The largest size a spec may ask for (1 GiB).</summary>
    public const long MaxSize = 1L << 30;

    /// <summary>The spec, normalised (what results record in the <c>sizes</c> column).</summary>
    public abstract string Spec { get; }

    /// <summary>The smallest size the distribution can give.</summary>
    public abstract long Min { get; }

    /// <summary>The largest size the distribution can give.</summary>
    public abstract long Max { get; }

    /// <summary>The exact mean of the distribution.</summary>
    public abstract double Mean { get; }

    /// <summary>Draws one size.</summary>
    public abstract long Sample(Random random);

    /// <summary>Parses a spec.</summary>
    /// <exception cref="SizeSpecException">The spec is not one of the accepted forms.</exception>
    public static SizeDistribution Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string text = spec.Trim();
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        string kind = (colon < 0 ? text : text[..colon]).ToLowerInvariant();
        string rest = colon < 0 ? "" : text[(colon + 1)..];
        string[] parts = rest.Length == 0 ? [] : rest.Split(':');
        switch (kind)
        {
            case "fixed":
                Expect(spec, parts.Length == 1, "fixed:N, e.g. fixed:64");
                return new FixedSizes(ParseSize(spec, parts[0]));
            case "uniform":
            {
                Expect(spec, parts.Length == 1, "uniform:A-B, e.g. uniform:16-1024");
                (long a, long b) = ParseRange(spec, parts[0]);
                return new UniformSizes(a, b);
            }
            case "loguniform":
            {
                Expect(spec, parts.Length == 1, "loguniform:A-B, e.g. loguniform:1-3145728");
                (long a, long b) = ParseRange(spec, parts[0]);
                Expect(spec, a >= 1, "loguniform:A-B with A at least 1, e.g. loguniform:1-3145728");
                return new LogUniformSizes(a, b);
            }
            case "pow2":
            {
                Expect(spec, parts.Length == 1, "pow2:A-B with powers of two, e.g. pow2:16-4096");
                (long a, long b) = ParseRange(spec, parts[0]);
                return new PowerOfTwoSizes(a, b);
            }
            case "lineardrop":
            {
                Expect(spec, parts.Length == 1, "lineardrop:A-B (rptest's linear dropoff), e.g. lineardrop:8-16000");
                (long a, long b) = ParseRange(spec, parts[0]);
                return new LinearDropSizes(a, b);
            }
            case "geometric":
            {
                Expect(spec, parts.Length <= 2, "geometric:A-B:MEAN, e.g. geometric:16-4096:128");
                (long a, long b) = parts.Length >= 1 ? ParseRange(spec, parts[0]) : (16, 4096);
                double mean = parts.Length == 2 ? ParseNumber(spec, parts[1]) : Math.Min(128, (a + b) / 2.0);
                return new GeometricSizes(a, b, mean);
            }
            case "pareto":
            {
                Expect(spec, parts.Length <= 2, "pareto:A-B:ALPHA, e.g. pareto:8-1024:1.0");
                (long a, long b) = parts.Length >= 1 ? ParseRange(spec, parts[0]) : (8, 1024);
                double alpha = parts.Length == 2 ? ParseNumber(spec, parts[1]) : 1.0;
                return new ParetoSizes(a, b, alpha);
            }
            case "invsquare":
            {
                Expect(spec, parts.Length <= 1, "invsquare:A-B, e.g. invsquare:4-32768");
                (long a, long b) = parts.Length == 1 ? ParseRange(spec, parts[0]) : (4, 32768);
                return new InverseSquareSizes(a, b);
            }
            case "file":
                Expect(spec, rest.Length > 0, "file:PATH, a file of lines 'size weight'");
                return HistogramSizes.Load(rest);
            case "trace":
                Expect(spec, rest.Length > 0, "trace:PATH, a .trace file, e.g. trace:data/traces/sqlite3.trace");
                return TraceSizes.Load(rest);
            case "program":
                Expect(spec, rest.Length > 0, "program:NAME, a program of data/programs, e.g. program:sqlite3");
                return ProgramSelection.Load(rest);
            default:
                throw new SizeSpecException($"unknown size spec '{spec}': write {SizeSpecException.Forms}");
        }
    }

    /// <inheritdoc />
    public override string ToString() => Spec;

    private static void Expect(string spec, bool condition, string form)
    {
        if (!condition)
        {
            throw new SizeSpecException($"bad size spec '{spec}': write {form}");
        }
    }

    internal static long ParseSize(string spec, string text)
    {
        if (!long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value > MaxSize)
        {
            throw new SizeSpecException($"bad size '{text}' in size spec '{spec}': write a whole number of bytes from 0 to {MaxSize}");
        }
        return value;
    }

    private static (long A, long B) ParseRange(string spec, string text)
    {
        int dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            throw new SizeSpecException($"bad range '{text}' in size spec '{spec}': write A-B, e.g. 16-1024");
        }
        long a = ParseSize(spec, text[..dash]);
        long b = ParseSize(spec, text[(dash + 1)..]);
        if (a > b)
        {
            throw new SizeSpecException($"bad range '{text}' in size spec '{spec}': the first bound must not exceed the second: write A-B with A <= B, e.g. 16-1024");
        }
        return (a, b);
    }

    private static double ParseNumber(string spec, string text)
    {
        if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value > 0) || double.IsInfinity(value))
        {
            throw new SizeSpecException($"bad number '{text}' in size spec '{spec}': write a positive number, e.g. 1.5");
        }
        return value;
    }

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
