using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Platform;

namespace Workbench.Benchmarks.Results;

/// <summary>
/// <c>metadata.json</c> of a run: the machine (CPU model, cores, memory, kernel), the .NET version, the
/// allocator libraries' versions, the git commit and the full parameters of the sweep.
/// </summary>
public static class RunMetadata
{
    /// <summary>The file name inside a run folder.</summary>
    public const string FileName = "metadata.json";

    /// <summary>Writes (or updates) the metadata of a run; the first creation time is kept.</summary>
    public static void Write(string runDirectory, SweepDefinition definition, Shard shard, IReadOnlyList<string> commandLine)
    {
        ArgumentNullException.ThrowIfNull(definition);
        string path = Path.Combine(runDirectory, FileName);
        string now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        string created = now;
        if (File.Exists(path))
        {
            try
            {
                created = JsonNode.Parse(File.ReadAllText(path))?["created_utc"]?.GetValue<string>() ?? now;
            }
            catch (JsonException)
            {
            }
        }
        JsonObject root = new()
        {
            // The run is its folder; the experiment is what it ran (one experiment may have several runs).
            ["name"] = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDirectory))),
            ["experiment"] = definition.Name,
            ["created_utc"] = created,
            ["updated_utc"] = now,
            ["command_line"] = new JsonArray([.. commandLine.Select(a => (JsonNode?)JsonValue.Create(a))]),
            ["shard"] = shard.ToString(),
            ["git_commit"] = GitCommit(),
            ["machine"] = Machine(),
            ["dotnet"] = new JsonObject
            {
                ["framework"] = RuntimeInformation.FrameworkDescription,
                ["runtime_version"] = Environment.Version.ToString(),
                ["os"] = RuntimeInformation.OSDescription,
                ["architecture"] = RuntimeInformation.ProcessArchitecture.ToString(),
            },
            ["allocators"] = Allocators(),
            ["environment"] = AllocatorEnvironment(),
            ["parameters"] = JsonSerializer.SerializeToNode(definition, s_options),
        };
        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private static readonly JsonSerializerOptions s_options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The machine: CPU model, logical cores, memory, kernel.</summary>
    public static JsonObject Machine() => new()
    {
        ["cpu_model"] = MachineIdentity.CpuModel,
        ["logical_cores"] = Environment.ProcessorCount,
        ["memory_kib"] = MemInfo("MemTotal:"),
        ["kernel"] = ReadTrimmed("/proc/sys/kernel/osrelease"),
        ["hostname"] = Environment.MachineName,
        ["page_size"] = Environment.SystemPageSize,
    };

    /// <summary>
    /// The commit of the working tree (with <c>-dirty</c> when a tracked file outside <c>data/</c> has changed), or
    /// <c>unknown</c>. Changes under <c>data/</c> do not count: a sweep run again into its committed run folder deletes
    /// the tracked files there first, and the runs' index is written anew; neither changes the code that is measured.
    /// </summary>
    public static string GitCommit()
    {
        string? commit = Run("git", "rev-parse", "HEAD");
        if (commit is null)
        {
            return "unknown";
        }
        string? status = Run("git", "status", "--porcelain", "--untracked-files=no", "--", ":/", ":(exclude,top)data");
        return string.IsNullOrEmpty(status) ? commit : commit + "-dirty";
    }

    /// <summary>
    /// The runner's environment variables that change how an allocator behaves, which every trial process inherits
    /// (the catalogue's own, such as cfa-nopf's, are under each allocator): cfa-malloc's start-up options, glibc's
    /// tunables and the peers' own settings. A run made with CFA_MALLOC_MMAP_THRESHOLD=131072 says so here.
    /// </summary>
    private static JsonObject AllocatorEnvironment()
    {
        SortedDictionary<string, string> found = new(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            string name = (string)variable.Key;
            if (Array.Exists(s_allocatorVariablePrefixes, prefix => name.StartsWith(prefix, StringComparison.Ordinal)))
            {
                found[name] = (string?)variable.Value ?? "";
            }
        }
        return new JsonObject(found.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
    }

    private static readonly string[] s_allocatorVariablePrefixes =
        ["CFA_MALLOC_", "MALLOC_", "GLIBC_TUNABLES", "MIMALLOC_", "TCMALLOC_", "TBB_", "LD_PRELOAD", "DOTNET_GC"];

    private static JsonObject Allocators()
    {
        JsonObject allocators = new();
        foreach (AllocatorInfo info in AllocatorCatalog.All.Where(a => !a.Hidden))
        {
            JsonObject entry = new() { ["available"] = info.Unavailable is null };
            if (info.Library is not null)
            {
                entry["library"] = info.Library.LibraryFile;
                entry["package"] = info.Library.Package;
                entry["version"] = Run("dpkg-query", "-W", "-f=${Version}", info.Library.Package) ?? "unknown";
            }
            else if (info.Kind == AllocatorKind.Cfa)
            {
                entry["version"] = "this commit";
            }
            else
            {
                entry["version"] = RuntimeInformation.FrameworkDescription;
            }
            if (info.Host is not null)
            {
                // The program its trials run in (cfa-aot's, compiled ahead of time), as it was found for this run.
                entry["trial_host"] = info.Host.Resolve() ?? info.Host.Program;
            }
            foreach ((string name, string value) in info.Environment)
            {
                entry["env_" + name] = value;
            }
            allocators[info.Name] = entry;
        }
        return allocators;
    }

    private static long MemInfo(string field)
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    string value = line[field.Length..].Trim().Split(' ')[0];
                    return long.Parse(value, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }

    private static string ReadTrimmed(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    private static string? Run(string program, params string[] arguments)
    {
        try
        {
            ProcessStartInfo start = new(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
            using Process? process = Process.Start(start);
            if (process is null)
            {
                return null;
            }
            string output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
