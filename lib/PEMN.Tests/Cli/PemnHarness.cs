using PEMN.Cli;

namespace PEMN.Tests.Cli;

/// <summary>Runs <c>pemn</c> in-process, as the command line would (parse errors included); returns the exit code and what it printed.</summary>
public static class PemnHarness
{
    private static readonly Lock ConsoleLock = new();

    /// <summary>Runs <paramref name="args"/> with stdout and stderr captured.</summary>
    public static (int Code, string Out, string Error) Run(params string[] args)
    {
        lock (ConsoleLock)
        {
            var (oldOut, oldError) = (Console.Out, Console.Error);
            using var output = new StringWriter();
            using var error = new StringWriter();
            Console.SetOut(output);
            Console.SetError(error);
            try
            {
                var code = Pemn.RunAsync(args).GetAwaiter().GetResult();
                return (code, output.ToString(), error.ToString());
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldError);
            }
        }
    }
}
