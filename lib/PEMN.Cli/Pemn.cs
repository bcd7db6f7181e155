using System.CommandLine;
using System.CommandLine.Help;
using System.Runtime.InteropServices;
using PEMN.Cli.Commands;
using PEMN.Cli.Options;
using PEMN.Data;
using PEMN.Runs;
using PEMN.Runtime;

namespace PEMN.Cli;

/// <summary>
/// The <c>pemn</c> command line: its sub-commands, and the one error path every command shares. A usage error
/// (a flag, a value, a config or grid file) exits <see cref="ExitCodes.Usage"/> with a message naming the flag, the
/// value and the allowed values; no stack trace is printed unless <c>PEMN_VERBOSE=1</c>.
/// </summary>
public static class Pemn
{
    /// <summary>Environment variable that adds the .NET stack trace to error messages (for bug reports).</summary>
    public const string VerboseVariable = "PEMN_VERBOSE";

    /// <summary>
    /// The root command with every sub-command. A plain command named "pemn" with RootCommand's help and version
    /// options: RootCommand takes its name from the executable (PEMN.Cli, whose assembly name cannot be "pemn":
    /// assembly names are case-insensitive and "PEMN" is the library).
    /// </summary>
    public static Command Root()
    {
        var root = new Command("pemn", "Parameter-Efficient Masking Networks workbench (train, sweep, ladder, storage, pack, info, eval, unpack, data, bench). " +
            "Exit codes: 0 done, 1 a run failed, 2 usage, 3 data missing, 4 file error, 130 interrupted.")
        {
            new HelpOption(),
            new VersionOption(),
        };
        foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/> on the console; parse errors exit <see cref="ExitCodes.Usage"/>. SIGINT
    /// (Ctrl+C) and SIGTERM (kill, a scheduler's scancel or time limit) cancel the command's token: training stops at the
    /// next step boundary, the last finished epoch stays checkpointed, and the command exits
    /// <see cref="ExitCodes.Interrupted"/> with the resume message. A second signal ends the process at once.
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var parse = Root().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine("(pemn --help lists the commands, pemn COMMAND --help their options)");
            return ExitCodes.Usage;
        }
        using var interruption = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Interrupt(c, interruption));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Interrupt(c, interruption));
        // System.CommandLine's own handler would exit after a timeout whatever the command is doing (mid-checkpoint
        // included) and without the resume message: the signals are ours (above), delivered through the token.
        return await parse.InvokeAsync(new InvocationConfiguration { Output = Console.Out, Error = Console.Error, ProcessTerminationTimeout = null },
            interruption.Token);
    }

    private static void Interrupt(PosixSignalContext context, CancellationTokenSource interruption)
    {
        if (interruption.IsCancellationRequested) return; // the second signal: the default action ends the process
        context.Cancel = true;
        Console.Error.WriteLine();
        Console.Error.WriteLine($"{context.Signal}: stopping at the next step boundary (again to stop at once, losing the current epoch).");
        interruption.Cancel();
    }

    /// <summary>
    /// Runs a command's body and turns every error a user can cause into its exit code and one message on stderr.
    /// </summary>
    public static int Guard(Func<int> body, string interruptedHint = "the same command resumes from the last finished epoch")
    {
        try
        {
            return body();
        }
        catch (UsageException e)
        {
            return Fail(ExitCodes.Usage, e.Message, e);
        }
        catch (OutputException e)
        {
            return Fail(ExitCodes.Io, e.Message, e);
        }
        catch (CorruptRunException e)
        {
            return Fail(ExitCodes.Io, $"{e.Message}{Environment.NewLine}{RunCommands.Remedy(e)}", e);
        }
        catch (ParentRunException e)
        {
            return Fail(ExitCodes.RunFailed, $"{e.Message}{Environment.NewLine}{RunCommands.Remedy(e)}", e);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine();
            Console.Error.WriteLine($"interrupted: finished epochs are checkpointed; {interruptedHint}.");
            return ExitCodes.Interrupted;
        }
        catch (DataSetException e)
        {
            return Fail(ExitCodes.Data, e.Message, e);
        }
        catch (PEMN.FileFormat.PemnFileException e)
        {
            // A .pemn file that is damaged or does not fit its configuration: a file that could not be read.
            return Fail(ExitCodes.Io, e.Message, e);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or System.Text.Json.JsonException)
        {
            return Fail(ExitCodes.Usage, ConfigError.Describe(e), e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TimeoutException)
        {
            return Fail(ExitCodes.Io, e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            return Fail(ExitCodes.RunFailed, e.Message, e);
        }
    }

    private static int Fail(int code, string message, Exception e)
    {
        Console.Error.WriteLine();
        Console.Error.WriteLine($"error: {message}");
        if (Environment.GetEnvironmentVariable(VerboseVariable) == "1") Console.Error.WriteLine(e);
        return code;
    }
}
