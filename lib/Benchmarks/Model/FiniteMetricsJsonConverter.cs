using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workbench.Benchmarks.Model;

/// <summary>
/// Named metrics in JSON, an object of numbers: a metric that is not a finite number (JSON has none) is left out, as
/// if it had not been measured.
/// </summary>
public sealed class FiniteMetricsJsonConverter : JsonConverter<Dictionary<string, double>>
{
    /// <inheritdoc />
    public override Dictionary<string, double> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("metrics must be an object of numbers");
        }
        Dictionary<string, double> metrics = new(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string name = reader.GetString() ?? "";
            reader.Read();
            metrics[name] = reader.GetDouble();
        }
        return metrics;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Dictionary<string, double> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartObject();
        foreach ((string name, double metric) in value)
        {
            if (double.IsFinite(metric))
            {
                writer.WriteNumber(name, metric);
            }
        }
        writer.WriteEndObject();
    }
}
