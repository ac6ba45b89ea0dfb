using Workbench.Benchmarks.Model;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Workbench.Benchmarks.Runner;

/// <summary>A <see cref="KnobName"/> in YAML (a key of an experiment file's <c>knobs:</c>): its text, <c>NAME</c> or <c>BENCHMARK.NAME</c>.</summary>
public sealed class KnobNameYamlConverter : IYamlTypeConverter
{
    /// <inheritdoc />
    public bool Accepts(Type type) => type == typeof(KnobName);

    /// <inheritdoc />
    public object? ReadYaml(IParser parser, Type type, ObjectDeserializer rootDeserializer)
    {
        ArgumentNullException.ThrowIfNull(parser);
        return KnobName.Parse(parser.Consume<Scalar>().Value);
    }

    /// <inheritdoc />
    public void WriteYaml(IEmitter emitter, object? value, Type type, ObjectSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(emitter);
        emitter.Emit(new Scalar(value?.ToString() ?? ""));
    }
}
