using System.Text;
using PuppeteerSharp;
using PuppeteerSharp.Media;

namespace Workbench.Figures;

/// <summary>
/// Writes figures to files: HTML needs nothing; SVG, PNG and PDF are rendered by plotly.js in one headless
/// Chromium (Debian's <c>/usr/bin/chromium</c>, driven through PuppeteerSharp with the flags of
/// <see cref="Chromium.Flags"/>), started on first use and reused for every figure until disposed.
/// Without Chromium the static formats are skipped and <see cref="Missing"/> says why in one line.
/// </summary>
public sealed class FigureExporter : IAsyncDisposable, IDisposable
{
    private readonly string? _executable;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private IBrowser? _browser;
    private IPage? _page;
    private DirectoryInfo? _profile;

    /// <summary>An exporter using <paramref name="chromium"/>, or the browser <see cref="Chromium.Find"/> finds.</summary>
    public FigureExporter(string? chromium = null) => _executable = chromium ?? Chromium.Find();

    /// <summary>An exporter with no browser (as on a machine without Chromium).</summary>
    internal static FigureExporter WithoutBrowser() => new(null, search: false);

    private FigureExporter(string? chromium, bool search) => _executable = search ? chromium ?? Chromium.Find() : chromium;

    /// <summary>Whether SVG, PNG and PDF can be rendered (a browser was found).</summary>
    public bool CanRenderStatic => _executable is not null;

    /// <summary>The one-line reason static formats are skipped, or null when they are not.</summary>
    public string? Missing => CanRenderStatic ? null : Chromium.MissingMessage;

    /// <summary>
    /// Writes the standalone HTML page of a figure, plotly.js inlined, or with <paramref name="sharedScript"/> loaded from
    /// one copy in the folder (<see cref="PlotlyJs.SharedFileName"/>, written when missing); returns the page's path.
    /// </summary>
    public static string WriteHtml(Figure figure, string directory, bool sharedScript = false)
    {
        ArgumentNullException.ThrowIfNull(figure);
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, figure.Name + ".html");
        if (sharedScript)
        {
            string script = Path.Combine(directory, PlotlyJs.SharedFileName);
            if (!File.Exists(script) || new FileInfo(script).Length != Encoding.UTF8.GetByteCount(PlotlyJs.Script))
            {
                File.WriteAllText(script, PlotlyJs.Script, new UTF8Encoding(false));
            }
        }
        File.WriteAllText(path, PlotlyJs.Page(figure, sharedScript), new UTF8Encoding(false));
        return path;
    }

    /// <summary>
    /// Writes a figure in the given formats into a folder (HTML as <see cref="WriteHtml"/> with <paramref name="sharedScript"/>);
    /// returns the files written.
    /// </summary>
    /// <exception cref="InvalidOperationException">A static format was asked for and there is no Chromium.</exception>
    public async Task<List<string>> ExportAsync(Figure figure, string directory, ExportFormats formats = ExportFormats.All, bool sharedScript = false)
    {
        ArgumentNullException.ThrowIfNull(figure);
        Directory.CreateDirectory(directory);
        List<string> written = [];
        if (formats.HasFlag(ExportFormats.Html))
        {
            written.Add(WriteHtml(figure, directory, sharedScript));
        }
        if ((formats & ExportFormats.Static) == 0)
        {
            return written;
        }
        string svg = await SvgAsync(figure).ConfigureAwait(false);
        if (formats.HasFlag(ExportFormats.Svg))
        {
            string path = Path.Combine(directory, figure.Name + ".svg");
            await File.WriteAllTextAsync(path, svg, new UTF8Encoding(false)).ConfigureAwait(false);
            written.Add(path);
        }
        if (formats.HasFlag(ExportFormats.Png))
        {
            string path = Path.Combine(directory, figure.Name + ".png");
            await File.WriteAllBytesAsync(path, await PngAsync(figure).ConfigureAwait(false)).ConfigureAwait(false);
            written.Add(path);
        }
        if (formats.HasFlag(ExportFormats.Pdf))
        {
            string path = Path.Combine(directory, figure.Name + ".pdf");
            await PdfAsync(figure, svg, path).ConfigureAwait(false);
            written.Add(path);
        }
        return written;
    }

    /// <summary>
    /// Writes every figure into a folder: HTML always, the pages sharing one plotly.js unless <paramref name="sharedScript"/>
    /// is false; the static formats when Chromium is there (else the one-line message goes to <paramref name="log"/> once).
    /// Returns the files written.
    /// </summary>
    public async Task<List<string>> ExportAllAsync(IEnumerable<Figure> figures, string directory, ExportFormats formats = ExportFormats.All, TextWriter? log = null,
        bool sharedScript = true)
    {
        ArgumentNullException.ThrowIfNull(figures);
        if (!CanRenderStatic && (formats & ExportFormats.Static) != 0)
        {
            log?.WriteLine(Missing);
            formats &= ~ExportFormats.Static;
        }
        List<string> written = [];
        foreach (Figure figure in figures)
        {
            written.AddRange(await ExportAsync(figure, directory, formats, sharedScript).ConfigureAwait(false));
        }
        return written;
    }

    /// <summary>The figure as an SVG document (plotly.js's own SVG export).</summary>
    public async Task<string> SvgAsync(Figure figure)
    {
        string url = await ToImageAsync(figure, "svg", 1).ConfigureAwait(false);
        int comma = url.IndexOf(',', StringComparison.Ordinal);
        return Uri.UnescapeDataString(url[(comma + 1)..]);
    }

    /// <summary>
    /// The figure as PNG bytes, at <paramref name="scale"/> times its CSS size; by default at <see cref="FigureSize.Dpi"/>
    /// for a figure fitted to a printed size, else at twice its CSS size.
    /// </summary>
    public async Task<byte[]> PngAsync(Figure figure, double? scale = null)
    {
        ArgumentNullException.ThrowIfNull(figure);
        string url = await ToImageAsync(figure, "png", scale ?? (figure.Size is { } size ? size.WidthInches * FigureSize.Dpi / figure.Width : 2)).ConfigureAwait(false);
        int comma = url.IndexOf(',', StringComparison.Ordinal);
        return Convert.FromBase64String(url[(comma + 1)..]);
    }

    private async Task PdfAsync(Figure figure, string svg, string path)
    {
        IPage page = await (await BrowserAsync().ConfigureAwait(false)).NewPageAsync().ConfigureAwait(false);
        try
        {
            await page.SetContentAsync($"<!DOCTYPE html><html><head><style>@page{{margin:0}}body{{margin:0}}</style></head><body>{svg}</body></html>").ConfigureAwait(false);
            await page.PdfAsync(path, new PdfOptions
            {
                Width = $"{figure.Width}px",
                Height = $"{figure.Height + 1}px",
                PrintBackground = true,
                PageRanges = "1",
                MarginOptions = new MarginOptions { Top = "0", Bottom = "0", Left = "0", Right = "0" },
            }).ConfigureAwait(false);
        }
        finally
        {
            await page.CloseAsync().ConfigureAwait(false);
        }
    }

    private async Task<string> ToImageAsync(Figure figure, string format, double scale)
    {
        ArgumentNullException.ThrowIfNull(figure);
        IPage page = await PlotlyPageAsync().ConfigureAwait(false);
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            return await page.EvaluateFunctionAsync<string>(
                "async (json, format, width, height, scale) => { const fig = JSON.parse(json); " +
                "return await Plotly.toImage({data: fig.data, layout: fig.layout}, {format: format, width: width, height: height, scale: scale}); }",
                figure.ToJson(), format, figure.Width, figure.Height, scale).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<IBrowser> BrowserAsync()
    {
        if (_browser is not null)
        {
            return _browser;
        }
        if (_executable is null)
        {
            throw new InvalidOperationException(Chromium.MissingMessage);
        }
        _profile = Directory.CreateTempSubdirectory("workbench-chromium-");
        LaunchOptions options = new()
        {
            ExecutablePath = _executable,
            Headless = true,
            Args = [.. Chromium.Flags.Where(f => f != "--headless")],
            UserDataDir = _profile.FullName,
            Timeout = 60_000,
        };
        // Called through reflection: a notebook kernel (Roslyn scripting) loads Microsoft.Extensions.Logging.Abstractions
        // once per referencing assembly, so a direct call's ILoggerFactory parameter would not match PuppeteerSharp's
        // (MissingMethodException); the logger is left out either way.
        System.Reflection.MethodInfo launch = typeof(Puppeteer).GetMethods()
            .First(m => m.Name == nameof(Puppeteer.LaunchAsync) && m.GetParameters().Length == 2 && m.GetParameters()[0].ParameterType == typeof(LaunchOptions));
        _browser = await ((Task<IBrowser>)launch.Invoke(null, [options, null])!).ConfigureAwait(false);
        return _browser;
    }

    private async Task<IPage> PlotlyPageAsync()
    {
        if (_page is not null)
        {
            return _page;
        }
        IBrowser browser = await BrowserAsync().ConfigureAwait(false);
        _page = await browser.NewPageAsync().ConfigureAwait(false);
        await _page.SetContentAsync($"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><script>{PlotlyJs.Script}</script></head><body></body></html>").ConfigureAwait(false);
        return _page;
    }

    /// <summary>Closes the browser.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync().ConfigureAwait(false);
            await _browser.DisposeAsync().ConfigureAwait(false);
            _browser = null;
            _page = null;
        }
        DeleteProfile();
        _lock.Dispose();
    }

    /// <summary>Closes the browser (blocking).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void DeleteProfile()
    {
        try
        {
            _profile?.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        _profile = null;
    }
}
