namespace PEMN.Cli;

/// <summary>The exit codes of every <c>pemn</c> command (README, "Command line").</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;
    /// <summary>A run failed while training (diverged, or a point of a sweep failed); the others completed.</summary>
    public const int RunFailed = 1;
    /// <summary>The command line or a config/grid file is wrong: nothing was computed or written.</summary>
    public const int Usage = 2;
    /// <summary>A data set is missing or unreadable: nothing was trained.</summary>
    public const int Data = 3;
    /// <summary>A file could not be read or written (permissions, disk full, a folder where a file should be, a .pemn file rejected by its reader).</summary>
    public const int Io = 4;
    /// <summary>Interrupted (Ctrl+C, 128 + SIGINT): finished epochs are checkpointed; the same command resumes.</summary>
    public const int Interrupted = 130;
}
