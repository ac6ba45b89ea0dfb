using System.Text.Json;
using Workbench.Benchmarks.Model;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Workbench.Benchmarks.Runner;

/// <summary>
/// An experiment file: a <see cref="SweepDefinition"/> in JSON (<c>.json</c>) or YAML (<c>.yaml</c>, <c>.yml</c>),
/// with snake_case field names: name, benchmarks, allocators, threads, sizes, knobs, repetitions, warmup,
/// seed, quick, timeout_seconds, in_process, sample_ms.
/// </summary>
public static class ExperimentFile
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>The most bytes an experiment file may have (/dev/zero once filled the memory).</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>Whether the file's top level names <paramref name="field"/> (its value may be the default).</summary>
    private static bool SetsField(string text, string extension, string field)
    {
        if (extension == ".json")
        {
            using JsonDocument document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return document.RootElement.EnumerateObject().Any(p => string.Equals(p.Name, field, StringComparison.OrdinalIgnoreCase));
        }
        Dictionary<string, object?>? top = new DeserializerBuilder().Build().Deserialize<Dictionary<string, object?>>(text);
        return top?.ContainsKey(field) == true;
    }

    /// <summary>Reads an experiment file.</summary>
    /// <exception cref="UsageException">The file is missing or malformed; the message says where.</exception>
    public static SweepDefinition Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new UsageException($"experiment file '{path}' not found: give the path of a .json or .yaml file (see docs/benchmarks.md)");
        }
        if (!Platform.FileKind.IsRegularFile(path) || new FileInfo(path).Length > MaxBytes)
        {
            throw new UsageException($"experiment file '{path}' is not a regular file of at most {MaxBytes} bytes (a device such as /dev/zero, a FIFO, or too large): give the path of a .json or .yaml file (see docs/benchmarks.md)");
        }
        string text = File.ReadAllText(path);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        SweepDefinition? definition;
        try
        {
            definition = extension switch
            {
                ".json" => JsonSerializer.Deserialize<SweepDefinition>(text, s_json),
                ".yaml" or ".yml" => new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance)
                    .WithTypeConverter(new KnobNameYamlConverter()).Build()
                    .Deserialize<SweepDefinition>(text),
                _ => throw new UsageException($"experiment file '{path}' has extension '{extension}': use .json, .yaml or .yml"),
            };
        }
        catch (JsonException e)
        {
            throw new UsageException($"experiment file '{path}' is not valid: {e.Message.ReplaceLineEndings(" ")}", e);
        }
        catch (YamlException e)
        {
            throw new UsageException($"experiment file '{path}' is not valid at line {e.Start.Line}: {(e.InnerException ?? e).Message.ReplaceLineEndings(" ")}", e);
        }
        if (definition is null)
        {
            throw new UsageException($"experiment file '{path}' is empty: write at least 'benchmarks: [churn]'");
        }
        if (string.IsNullOrWhiteSpace(definition.Name))
        {
            definition.Name = Path.GetFileNameWithoutExtension(path);
        }
        if (definition.InProcess && SetsField(text, extension, "timeout_seconds"))
        {
            // A trial inside the runner cannot be stopped: the limit would be silently ignored.
            throw new UsageException($"experiment file '{path}' sets timeout_seconds with in_process: true, and a trial in the runner's process cannot be stopped: drop in_process to have trials killed after timeout_seconds, or drop timeout_seconds");
        }
        return definition;
    }
}
