using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workbench.Benchmarks.Model;

/// <summary>A <see cref="KnobName"/> in JSON, as a value or as a property name: its text, <c>NAME</c> or <c>BENCHMARK.NAME</c>.</summary>
public sealed class KnobNameJsonConverter : JsonConverter<KnobName>
{
    /// <inheritdoc />
    public override KnobName Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        KnobName.Parse(reader.GetString() ?? throw new JsonException("a knob's name must be a string"));

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, KnobName value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }

    /// <inheritdoc />
    public override KnobName ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        KnobName.Parse(reader.GetString() ?? "");

    /// <inheritdoc />
    public override void WriteAsPropertyName(Utf8JsonWriter writer, KnobName value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WritePropertyName(value.ToString());
    }
}
