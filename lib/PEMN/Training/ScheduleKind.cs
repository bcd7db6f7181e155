namespace PEMN.Training;

/// <summary>The learning-rate schedule, evaluated every optimiser step.</summary>
public enum ScheduleKind
{
    /// <summary>The PEMN authors' piecewise-linear one-cycle: 0 -> lr_max at 2/5 -> lr_max/20 at 4/5 -> 0 (breakpoints floored to whole epochs).</summary>
    Piecewise,
    /// <summary>Cosine decay from lr_max to 0 over the run, no warm-up (edge-popup).</summary>
    Cosine,
}
