namespace Workbench.Figures;

/// <summary>Finds the Chromium that renders static figures (Debian's package <c>chromium</c>).</summary>
public static class Chromium
{
    /// <summary>The environment variable that names another browser executable.</summary>
    public const string Variable = "WORKBENCH_CHROMIUM";

    /// <summary>The one line printed when no browser is found.</summary>
    public const string MissingMessage =
        "Chromium not found: SVG, PNG and PDF figures need it (Debian package chromium: apt-get install chromium, or set WORKBENCH_CHROMIUM to a Chrome or Chromium executable); HTML figures are written without it";

    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

    /// <summary>
    /// The flags that make Debian's Chromium work headless as root with no network (see
    /// shared/design/notebooks.md); a fresh profile folder is added per launch.
    /// </summary>
    public static IReadOnlyList<string> Flags { get; } =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
    ];

    /// <summary>The browser executable, or null when none is installed.</summary>
    public static string? Find()
    {
        string? named = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(named))
        {
            return File.Exists(named) ? named : null;
        }
        return Candidates.FirstOrDefault(File.Exists);
    }
}
