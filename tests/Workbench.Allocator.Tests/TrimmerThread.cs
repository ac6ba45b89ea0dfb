namespace Workbench.Allocator.Tests;

/// <summary>
/// A thread that calls <c>MallocTrim(0)</c> over and over, pausing <c>pauseMs</c> between calls (none for 0), beside
/// whatever the test runs, until it is disposed; then <see cref="Trims"/> says how many calls it made.
/// </summary>
internal sealed class TrimmerThread : IDisposable
{
    private readonly Thread _thread;
    private int _stop;
    private long _trims;

    public TrimmerThread(int pauseMs)
    {
        _thread = new Thread(() =>
        {
            while (Volatile.Read(ref _stop) == 0)
            {
                CfaMalloc.MallocTrim(0);
                _trims++;
                if (pauseMs > 0)
                    Thread.Sleep(pauseMs);
            }
        }) { IsBackground = true, Name = "trimmer" };
        _thread.Start();
    }

    /// <summary>The calls made so far (exact once disposed).</summary>
    public long Trims => Volatile.Read(ref _trims);

    /// <summary>Stops the thread and waits for it.</summary>
    public void Dispose()
    {
        Volatile.Write(ref _stop, 1);
        _thread.Join();
    }
}
