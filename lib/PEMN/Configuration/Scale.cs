using PEMN.Runtime;

namespace PEMN.Configuration;

/// <summary>
/// How much work an experiment does: every preset, plan and notebook exists at each scale, so the same figure is drawn
/// in seconds in the tests, in CPU minutes and at the paper's size. Spelled by <see cref="Names"/> (<c>--scale quick</c>,
/// <c>PEMN_SCALE=quick</c>, results/&lt;plan folder&gt;/quick/).
/// </summary>
public enum Scale
{
    /// <summary>Tiny shapes and a handful of steps: the tests, seconds per run.</summary>
    Smoke,
    /// <summary>Small models on Fashion-MNIST, minutes on a CPU: the default of scripts/reproduce.sh and the notebooks.</summary>
    Quick,
    /// <summary>The paper's settings: GPU work.</summary>
    Paper,
}

/// <summary>What a scale decides beyond its presets: how many seeds a plan's claims rest on.</summary>
public static class Scales
{
    /// <summary>The scale of interactive work and of the main job: real runs that fit a CPU.</summary>
    public const Scale Default = Scale.Quick;

    /// <summary>Parses <paramref name="text"/> (canonical name, case-insensitive); the error names <paramref name="field"/> and the allowed scales.</summary>
    /// <exception cref="ArgumentException">Not a scale.</exception>
    public static Scale Parse(string? text, string field = "scale") => Names.Parse<Scale>(text, field);

    /// <summary>Seeds of a ladder: two in the smoke tests, three for the figures (the few-values end varies by points between seeds).</summary>
    public static IReadOnlyList<long> LadderSeeds(Scale scale) => scale == Scale.Smoke ? [0, 1] : [0, 1, 2];

    /// <summary>One seed: the k sweep's, whose runs are measured for their bytes on disk.</summary>
    public static IReadOnlyList<long> OneSeed(Scale scale) => [0];

    /// <summary>
    /// Seeds of the plans the paper's claims rest on beyond the ConvMixer ladder (Fig. 4, Fig. 5, width and depth, the ResNet
    /// ladder): three, as the ladders, since one seed can move a rung by several points; one in the smoke tests, which prove the path.
    /// </summary>
    public static IReadOnlyList<long> ClaimSeeds(Scale scale) => scale == Scale.Smoke ? [0] : [0, 1, 2];
}
