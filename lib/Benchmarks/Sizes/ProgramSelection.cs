using Workbench.Benchmarks.Programs;

namespace Workbench.Benchmarks.Sizes;

/// <summary>
/// <c>program:NAME</c>: the real program that the <c>program</c> benchmark runs (<c>data/programs/NAME.yaml</c>). It
/// stands where a size spec stands, as <c>trace:PATH</c> does for trace-replay, so that a run's configurations are
/// one per program; it has no sizes to draw, and other benchmarks refuse it.
/// </summary>
public sealed class ProgramSelection : SizeDistribution
{
    private ProgramSelection(ProgramDefinition program) => Program = program;

    /// <summary>The program.</summary>
    public ProgramDefinition Program { get; }

    /// <inheritdoc />
    public override string Spec => $"program:{Program.Name}";

    /// <inheritdoc />
    public override long Min => 0;

    /// <inheritdoc />
    public override long Max => 0;

    /// <inheritdoc />
    public override double Mean => 0;

    /// <inheritdoc />
    public override long Sample(Random random) =>
        throw new SizeSpecException($"{Spec} names a program for the program benchmark, not sizes: give this benchmark a size spec such as uniform:16-1024");

    /// <summary>The program named <paramref name="name"/>.</summary>
    /// <exception cref="SizeSpecException">There is no such definition (or it is malformed).</exception>
    public static ProgramSelection Load(string name)
    {
        try
        {
            return new ProgramSelection(ProgramCatalog.Find(name)
                ?? throw new SizeSpecException($"unknown program '{name}': use one of {ProgramCatalog.Names} (data/programs), e.g. program:sqlite3"));
        }
        catch (ProgramException e)
        {
            throw new SizeSpecException(e.Message);
        }
    }
}
