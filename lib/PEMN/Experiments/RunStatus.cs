namespace PEMN.Experiments;

/// <summary>What the output folder holds for a configuration.</summary>
public enum RunStatus
{
    /// <summary>Nothing yet: the run starts from epoch 0.</summary>
    New,
    /// <summary>A checkpoint without metrics.json: an interrupted run that will resume.</summary>
    Partial,
    /// <summary>metrics.json exists: the run is done and will be skipped.</summary>
    Complete,
}
