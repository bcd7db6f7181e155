using System.Globalization;
using PEMN.Training;

namespace PEMN.Cli.Commands;

/// <summary>
/// Training progress on stderr (stdout stays for results and --json): on a terminal one line rewritten in place
/// (epoch, step, loss, accuracy, ETA); when redirected, one plain line per epoch.
/// </summary>
public sealed class ConsoleProgress(string label) : ITrainingObserver
{
    /// <summary>Minimum time between redraws of the live line: smooth to the eye, cheap for fast steps.</summary>
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);

    private readonly bool live = !Console.IsErrorRedirected;
    private DateTime lastDraw = DateTime.MinValue;
    private int width;

    /// <inheritdoc/>
    public void StepCompleted(StepProgress s)
    {
        if (!live) return;
        var now = DateTime.UtcNow;
        if (now - lastDraw < RedrawInterval && s.Step != s.StepsPerEpoch) return;
        lastDraw = now;
        Draw(string.Create(CultureInfo.InvariantCulture,
            $"{label} epoch {s.Epoch}/{s.Epochs} step {s.Step}/{s.StepsPerEpoch} loss {s.RunningLoss:F4} acc {s.RunningAccuracy:P1} lr {s.LearningRate:G3} ETA {Format(s.Remaining)}"));
    }

    /// <inheritdoc/>
    public void EpochCompleted(EpochRecord e)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{label} epoch {e.Epoch}: train loss {e.TrainLoss:F4} acc {e.TrainAccuracy:P2}, test acc {e.TestAccuracy:P2}, {e.Seconds:F1} s, {e.ImagesPerSecond:F0} img/s");
        if (live)
        {
            Draw(line);
            Console.Error.WriteLine();
            width = 0;
        }
        else
        {
            Console.Error.WriteLine(line);
        }
    }

    private void Draw(string text)
    {
        var padded = text.Length < width ? text.PadRight(width) : text;
        width = text.Length;
        Console.Error.Write("\r" + padded);
    }

    private static string Format(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:00}m" : $"{t.Minutes}m{t.Seconds:00}s";
}
