using System.Diagnostics;

namespace Workbench.Benchmarks.Traces;

/// <summary>
/// The standard output of a running process as a read-only stream; at its end the process must have exited with 0,
/// else reading throws a <see cref="TraceToolException"/> with the process's last error line. Disposing kills a
/// process that is still running.
/// </summary>
internal sealed class ProcessOutputStream : Stream
{
    private readonly Process _process;
    private readonly string _command;
    private readonly Stream _output;
    private readonly Task<string> _error;
    private bool _checked;

    public ProcessOutputStream(Process process, string command)
    {
        _process = process;
        _command = command;
        _output = process.StandardOutput.BaseStream;
        _error = process.StandardError.ReadToEndAsync();
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = _output.Read(buffer);
        if (n == 0 && buffer.Length > 0 && !_checked)
        {
            _checked = true;
            _process.WaitForExit();
            if (_process.ExitCode != 0)
            {
                string last = _error.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
                throw new TraceToolException($"'{_command}' failed with exit code {_process.ExitCode}: {last}");
            }
        }
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit();
            }
            _output.Dispose();
            _process.Dispose();
        }
        base.Dispose(disposing);
    }
}
