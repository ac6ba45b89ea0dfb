using System.Runtime.CompilerServices;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Workbench.Benchmarks.Programs;

/// <summary>The real programs of the <c>program</c> benchmark: every <c>data/programs/*.yaml</c>, by name.</summary>
public static class ProgramCatalog
{
    /// <summary>The folder of the definitions, relative to the repository root.</summary>
    public const string Folder = "data/programs";

    private static readonly Lazy<IReadOnlyList<ProgramDefinition>> s_all = new(Load);

    /// <summary>Every definition, by name (none when the workbench runs outside its repository).</summary>
    public static IReadOnlyList<ProgramDefinition> All => s_all.Value;

    /// <summary>The folder of the definitions, or null outside the repository.</summary>
    public static string? Directory => RepositoryPaths.FindFolder(Folder);

    /// <summary>The definition named <paramref name="name"/>, or null.</summary>
    public static ProgramDefinition? Find(string name) => All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));

    /// <summary>The names, comma-separated (for messages).</summary>
    public static string Names => string.Join(", ", All.Select(p => p.Name));

    /// <summary>Reads one definition file.</summary>
    /// <exception cref="ProgramException">The file is malformed; the message names the file and the line.</exception>
    public static ProgramDefinition Read(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        // YamlDotNet's deserializer works by reflection, which code compiled ahead of time (the cfa-aot trial host) does
        // not have; this test is a constant there, so the compiler leaves the deserializer out of that program.
        if (!RuntimeFeature.IsDynamicCodeSupported)
        {
            throw new ProgramException($"program file '{file}' cannot be read by code compiled ahead of time: run real programs from the workbench itself, e.g. workbench run program -a cfa");
        }
        ProgramDefinition? definition;
        try
        {
            definition = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build()
                .Deserialize<ProgramDefinition>(File.ReadAllText(file));
        }
        catch (YamlException e)
        {
            throw new ProgramException($"program file '{file}' is not valid at line {e.Start.Line}: {(e.InnerException ?? e).Message.ReplaceLineEndings(" ")}");
        }
        if (definition is null)
        {
            throw new ProgramException($"program file '{file}' is empty: write at least name, packages and command");
        }
        string expected = Path.GetFileNameWithoutExtension(file);
        if (definition.Name != expected)
        {
            throw new ProgramException($"program file '{file}' names the program '{definition.Name}': write name: {expected}, as the file is called");
        }
        if (definition.Problem() is { } problem)
        {
            throw new ProgramException($"program file '{file}': {problem}");
        }
        return definition;
    }

    private static IReadOnlyList<ProgramDefinition> Load()
    {
        string? folder = Directory;
        if (folder is null)
        {
            return [];
        }
        return [.. System.IO.Directory.GetFiles(folder, "*.yaml").Order(StringComparer.Ordinal).Select(Read)];
    }
}

/// <summary>A program definition is wrong, or a program run cannot start; the message says what to do.</summary>
public sealed class ProgramException(string message) : Exception(message);
