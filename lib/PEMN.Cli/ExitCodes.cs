namespace PEMN.Cli;

/// <summary>The exit codes of every <c>pemn</c> command (README, "Command line").</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;
    /// <summary>A run failed while training (diverged, or a point of a sweep failed); the others completed.</summary>
    public const int RunFailed = 1;
    /// <summary>The command line, a config/grid file or a --csv that is not a runs table is wrong: nothing was computed or written.</summary>
    public const int Usage = 2;
    /// <summary>A data set is missing or unreadable (checked before training): nothing was trained.</summary>
    public const int Data = 3;
    /// <summary>
    /// A file could not be read or written: an output that is a folder or read-only (checked before training, nothing
    /// computed), a disk that filled up, a damaged run record (the message names the file and the remedy, --restart),
    /// or a .pemn file its reader rejects.
    /// </summary>
    public const int Io = 4;
    /// <summary>Interrupted (Ctrl+C or SIGTERM; 128 + SIGINT): finished epochs are checkpointed; the same command resumes.</summary>
    public const int Interrupted = 130;
}
