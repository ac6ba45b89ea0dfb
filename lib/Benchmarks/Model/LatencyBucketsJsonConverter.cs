using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workbench.Benchmarks.Model;

/// <summary>
/// Latency histograms in JSON, compact: a list of <c>{"operation": "malloc", "ns_per_tick": 1, "max": 81234,
/// "buckets": [[upper, count], ...]}</c>, only the buckets that counted a call.
/// </summary>
public sealed class LatencyBucketsJsonConverter : JsonConverter<List<LatencyBuckets>>
{
    /// <inheritdoc />
    public override List<LatencyBuckets> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("latency histograms must be an array of objects");
        }
        List<LatencyBuckets> histograms = [];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException("a latency histogram must be an object");
            }
            string operation = "";
            double nsPerTick = double.NaN;
            long max = 0;
            List<(long, long)> buckets = [];
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                string name = reader.GetString() ?? "";
                reader.Read();
                switch (name)
                {
                    case "operation":
                        operation = reader.GetString() ?? "";
                        break;
                    case "ns_per_tick":
                        nsPerTick = reader.GetDouble();
                        break;
                    case "max":
                        max = reader.GetInt64();
                        break;
                    case "buckets":
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            reader.Read();
                            long upper = reader.GetInt64();
                            reader.Read();
                            long count = reader.GetInt64();
                            reader.Read();
                            buckets.Add((upper, count));
                        }
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            if (operation.Length == 0 || !double.IsFinite(nsPerTick))
            {
                throw new JsonException("a latency histogram needs an operation and ns_per_tick");
            }
            histograms.Add(new LatencyBuckets(operation, nsPerTick, max, buckets));
        }
        return histograms;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, List<LatencyBuckets> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartArray();
        foreach (LatencyBuckets h in value)
        {
            writer.WriteStartObject();
            writer.WriteString("operation", h.Operation);
            writer.WriteNumber("ns_per_tick", h.NsPerTick);
            writer.WriteNumber("max", h.MaxTicks);
            writer.WriteStartArray("buckets");
            foreach ((long upper, long count) in h.Buckets)
            {
                writer.WriteStartArray();
                writer.WriteNumberValue(upper);
                writer.WriteNumberValue(count);
                writer.WriteEndArray();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }
}
