using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workbench.Benchmarks.Model;

/// <summary>A <see cref="TrialStatus"/> in JSON: its text form (<see cref="TrialStatusText"/>).</summary>
public sealed class TrialStatusJsonConverter : JsonConverter<TrialStatus>
{
    /// <inheritdoc />
    public override TrialStatus Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        try
        {
            return TrialStatusText.Parse(reader.GetString() ?? "");
        }
        catch (FormatException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, TrialStatus value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToText());
    }
}
