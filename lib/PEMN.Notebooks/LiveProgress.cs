using PEMN.Training;

namespace PEMN.Notebooks;

/// <summary>
/// Training progress as one line of text that a notebook display updates in place (the set-up file wires
/// <c>display(...).Update</c>); the library stays free of the notebook engine.
/// </summary>
public static class LiveProgress
{
    /// <summary>Steps between two updates: often enough to look live, rarely enough not to flood the kernel.</summary>
    public const int DefaultEverySteps = 10;

    /// <summary>
    /// An observer that calls <paramref name="show"/> with the current lines of run <paramref name="label"/> and
    /// <paramref name="log"/> once per finished epoch. Headless runs (nbconvert) keep only a display's first value,
    /// so the epoch lines also go to <paramref name="log"/> (the cell's text output) to stay in executed notebooks.
    /// </summary>
    public static ITrainingObserver Create(string label, Action<string> show, Action<string>? log = null, int everySteps = DefaultEverySteps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(everySteps, 1);
        var history = new List<string>();
        string Text(string current) => string.Join(Environment.NewLine, history.Append(current));
        return new TrainingObserver(
            onStep: s =>
            {
                if (s.Step % everySteps == 0 || s.Step == s.StepsPerEpoch)
                    show(Text($"{label}  epoch {s.Epoch}/{s.Epochs}  step {s.Step}/{s.StepsPerEpoch}  loss {s.RunningLoss:F3}  " +
                        $"acc {s.RunningAccuracy:P1}  lr {s.LearningRate:G3}  ETA {s.Remaining:mm\\:ss}"));
            },
            onEpoch: e =>
            {
                var line = $"{label}  epoch {e.Epoch}: train loss {e.TrainLoss:F3}, train acc {e.TrainAccuracy:P1}, " +
                    $"test acc {e.TestAccuracy:P2}, {e.Seconds:F1} s, {e.ImagesPerSecond:F0} img/s";
                history.Add(line);
                show(Text(""));
                log?.Invoke(line);
            });
    }
}
