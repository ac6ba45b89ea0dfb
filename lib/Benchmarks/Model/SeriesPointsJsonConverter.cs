using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workbench.Benchmarks.Model;

/// <summary>
/// Memory samples in JSON, each an array <c>[seconds, rss_kib, requested_bytes]</c>, or <c>[seconds, rss_kib]</c> for
/// samples that do not count requested bytes (read back with -1), with <c>heap_kib, mmap_kib</c> after either where they
/// were measured. An array too short for its form is skipped.
/// </summary>
public abstract class SeriesPointsJsonConverter : JsonConverter<List<SeriesPoint>>
{
    private readonly bool _requestedBytes;

    private SeriesPointsJsonConverter(bool requestedBytes) => _requestedBytes = requestedBytes;

    /// <inheritdoc />
    public override List<SeriesPoint> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("a series must be an array of arrays of numbers");
        }
        List<SeriesPoint> points = [];
        List<double> numbers = [];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new JsonException("a sample must be an array of numbers");
            }
            numbers.Clear();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                numbers.Add(reader.GetDouble());
            }
            if (_requestedBytes ? numbers.Count is 3 or 5 : numbers.Count >= 2)
            {
                // Heap and mmap are the last two numbers where they were measured.
                bool split = numbers.Count == (_requestedBytes ? 5 : 4);
                points.Add(new SeriesPoint(numbers[0], (long)numbers[1], _requestedBytes ? (long)numbers[2] : -1,
                    split ? (long)numbers[^2] : null, split ? (long)numbers[^1] : null));
            }
        }
        return points;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, List<SeriesPoint> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartArray();
        foreach (SeriesPoint point in value)
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(point.Seconds);
            writer.WriteNumberValue((double)point.RssKib);
            if (_requestedBytes)
            {
                writer.WriteNumberValue((double)point.RequestedBytes);
            }
            if (point.HeapKib is long heap && point.MmapKib is long mmap)
            {
                writer.WriteNumberValue((double)heap);
                writer.WriteNumberValue((double)mmap);
            }
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
    }

    /// <summary>Samples with the bytes requested: <c>[seconds, rss_kib, requested_bytes]</c>.</summary>
    public sealed class WithRequestedBytes() : SeriesPointsJsonConverter(requestedBytes: true);

    /// <summary>Samples without: <c>[seconds, rss_kib]</c>.</summary>
    public sealed class WithoutRequestedBytes() : SeriesPointsJsonConverter(requestedBytes: false);
}
