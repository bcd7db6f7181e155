using PEMN.Masking;
using static TorchSharp.torch;

namespace PEMN.Training;

/// <summary>One look at a network's masks during training (<see cref="MaskDrift"/>); fractions are over every mask entry of the network.</summary>
/// <param name="Epoch">Epochs done, fractional (epoch - 1 + step / steps per epoch); 0 for the look before training.</param>
/// <param name="Step">Optimiser steps done since the tracker started.</param>
/// <param name="ChangedSincePrevious">Fraction of mask entries that differ from the previous look (0 for the first).</param>
/// <param name="ChangedSinceStart">Fraction of mask entries that differ from the mask before training.</param>
/// <param name="KeptFromStart">Share of the weights kept now that the mask before training kept too (two unrelated masks: k).</param>
/// <param name="LayerChangedSinceStart">Per masked layer (<see cref="MaskDrift.Paths"/>, same order), the fraction of its entries that differ from its mask before training.</param>
public sealed record MaskSnapshot(double Epoch, long Step, double ChangedSincePrevious, double ChangedSinceStart, double KeptFromStart,
    IReadOnlyList<double> LayerChangedSinceStart);

/// <summary>What a <see cref="MaskDrift"/> recorded: plain data, for charts and sentences.</summary>
/// <param name="Paths">The masked layers' module paths, shallow to deep.</param>
/// <param name="ChanceChanged">The fraction two unrelated masks of the network's kept fraction differ in (<see cref="MaskDrift.ChanceChanged"/>).</param>
/// <param name="Snapshots">Every look, the first being the start.</param>
public sealed record MaskDriftHistory(IReadOnlyList<string> Paths, double ChanceChanged, IReadOnlyList<MaskSnapshot> Snapshots)
{
    /// <summary>Within this share of <see cref="ChanceChanged"/>, the masks count as re-drawn: as far from the start as unrelated masks.</summary>
    public const double ForgottenShare = 0.9;

    /// <summary>
    /// What the looks show, in sentences: how much of the masks differs from the start at the end, against chance (re-drawn, or
    /// part of the initial selection kept: <see cref="ForgottenShare"/>); by which epoch half of that change had happened; the
    /// first and the last look's change (settling or still moving); the layers that moved most and least.
    /// </summary>
    public string Describe()
    {
        if (Snapshots.Count < 2) return "No look after the start: nothing trained yet.";
        var last = Snapshots[^1];
        var first = Snapshots[1];
        var half = Snapshots.First(s => s.ChangedSinceStart >= last.ChangedSinceStart / 2);
        var layers = Paths.Select((p, i) => (Path: p, Changed: last.LayerChangedSinceStart[i])).OrderByDescending(l => l.Changed).ToList();
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        string P(double f) => (100 * f).ToString("0.0", inv) + " %";
        string E(double e) => e.ToString("0.##", inv);
        var verdict = last.ChangedSinceStart >= ForgottenShare * ChanceChanged
            ? "as far from the initial mask as an unrelated random mask: training re-drew the selection"
            : "closer to the initial mask than an unrelated random mask: part of the initial selection survives";
        return $"After {E(last.Epoch)} epoch(s) ({last.Step} steps), {P(last.ChangedSinceStart)} of the mask entries differ from the initial mask " +
            $"(two unrelated masks would differ in {P(ChanceChanged)}): {verdict}; half of that change had happened by epoch {E(half.Epoch)} " +
            $"(step {half.Step}). The first look changed {P(first.ChangedSincePrevious)} of the entries, the last {P(last.ChangedSincePrevious)}: " +
            (last.ChangedSincePrevious < first.ChangedSincePrevious / 4 ? "the selection settles as the learning rate falls. " : "the selection is still moving. ") +
            $"Most changed: {layers[0].Path} ({P(layers[0].Changed)}); least: {layers[^1].Path} ({P(layers[^1].Changed)}).";
    }
}

/// <summary>
/// How the masks of a network move while it trains: a training observer (pass it to <see cref="Trainer.Fit"/>) that looks
/// at every masked layer's mask (the top-k of its |scores|) before training and a few times per epoch, and records how much
/// of it changed since the previous look and since the start. Training moves only the scores; a mask entry changes when its
/// |score| crosses the layer's threshold. Two unrelated masks keeping k differ in 2k(1 - k) of their entries
/// (<see cref="ChanceChanged"/>): a network whose masks drift that far has forgotten its initial selection.
/// Holds a copy of the masks (one byte per weight, twice) until disposed.
/// </summary>
public sealed class MaskDrift : ITrainingObserver, IDisposable
{
    private readonly List<MaskedLayer> layers;
    private readonly Tensor[] start;
    private readonly Tensor[] previous;
    private readonly long entries;
    private readonly long kept;
    private readonly int looksPerEpoch;
    private readonly List<MaskSnapshot> snapshots = [];
    private long steps;

    private MaskDrift(nn.Module model, int looksPerEpoch)
    {
        var found = WeightLayers.Masked(model);
        if (found.Count == 0)
            throw new ArgumentException("The model has no masked layer: mask drift needs a PEMN network (not Dense or a sparse baseline).", nameof(model));
        layers = found.Select(l => l.Masked!).ToList();
        Paths = found.Select(l => l.Path).ToList();
        KeepFractions = layers.Select(l => l.KeepFraction).ToList();
        this.looksPerEpoch = looksPerEpoch;
        start = layers.Select(l => Look(l).DetachFromDisposeScope()).ToArray();
        previous = start.Select(m => m.clone().DetachFromDisposeScope()).ToArray();
        entries = start.Sum(m => m.numel());
        using (NewDisposeScope()) kept = start.Sum(m => m.sum().item<long>());
        snapshots.Add(new MaskSnapshot(0, 0, 0, 0, 1, Paths.Select(_ => 0.0).ToList()));
    }

    /// <summary>
    /// Starts tracking the masked layers of <paramref name="model"/>: their current masks are the start. Call before training;
    /// <paramref name="looksPerEpoch"/> looks are taken per epoch, evenly spaced, the last at the epoch's last step.
    /// </summary>
    /// <exception cref="ArgumentException">The model has no masked layer.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="looksPerEpoch"/> is below 1.</exception>
    public static MaskDrift Track(nn.Module model, int looksPerEpoch = DefaultLooksPerEpoch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(looksPerEpoch, 1);
        return new MaskDrift(model, looksPerEpoch);
    }

    /// <summary>Looks per epoch unless told otherwise: enough for a curve, cheap next to the training steps.</summary>
    public const int DefaultLooksPerEpoch = 8;

    /// <summary>The masked layers' module paths, shallow to deep.</summary>
    public IReadOnlyList<string> Paths { get; }

    /// <summary>Each masked layer's k, in <see cref="Paths"/> order.</summary>
    public IReadOnlyList<double> KeepFractions { get; }

    /// <summary>Every look so far, the first being the start (all zeros).</summary>
    public IReadOnlyList<MaskSnapshot> Snapshots => snapshots;

    /// <summary>
    /// Fraction of entries in which two independent random masks keeping the network's fraction p of its weights differ,
    /// 2p(1 - p): 0.5 at k = 0.5. How far "changed since start" would go if training re-drew the masks at random.
    /// </summary>
    public double ChanceChanged
    {
        get
        {
            var p = (double)kept / entries;
            return 2 * p * (1 - p);
        }
    }

    /// <summary>The looks so far as plain data.</summary>
    public MaskDriftHistory History => new(Paths, ChanceChanged, snapshots.ToList());

    /// <inheritdoc/>
    public void StepCompleted(StepProgress step)
    {
        steps++;
        // Evenly spaced: a look at every step where step * looks / steps per epoch reaches the next whole number (the last step always does).
        long Looks(long s) => s * looksPerEpoch / step.StepsPerEpoch;
        if (Looks(step.Step) == Looks(step.Step - 1)) return;
        Record(step.Epoch - 1 + (double)step.Step / step.StepsPerEpoch);
    }

    /// <inheritdoc/>
    public void EpochCompleted(EpochRecord epoch) { }

    /// <summary>Takes a look now, at the fractional epoch <paramref name="epoch"/> (the observer calls it; a caller training its own way can too).</summary>
    public MaskSnapshot Record(double epoch)
    {
        using var noGrad = no_grad();
        long changedPrevious = 0, changedStart = 0, keptBoth = 0, keptNow = 0;
        var perLayer = new double[layers.Count];
        for (var i = 0; i < layers.Count; i++)
        {
            using var scope = NewDisposeScope();
            var now = Look(layers[i]);
            var fromStart = now.ne(start[i]).sum().item<long>();
            changedStart += fromStart;
            perLayer[i] = (double)fromStart / now.numel();
            changedPrevious += now.ne(previous[i]).sum().item<long>();
            keptBoth += now.logical_and(start[i]).sum().item<long>();
            keptNow += now.sum().item<long>();
            previous[i].copy_(now);
        }
        var snapshot = new MaskSnapshot(epoch, steps, (double)changedPrevious / entries, (double)changedStart / entries,
            keptNow == 0 ? 1 : (double)keptBoth / keptNow, perLayer);
        snapshots.Add(snapshot);
        return snapshot;
    }

    /// <summary>Releases the stored masks.</summary>
    public void Dispose()
    {
        foreach (var t in start.Concat(previous)) t.Dispose();
    }

    /// <summary>The layer's current mask as booleans, in the caller's dispose scope.</summary>
    private static Tensor Look(MaskedLayer layer)
    {
        using var scope = NewDisposeScope();
        return layer.Mask().ne(0).MoveToOuterDisposeScope();
    }
}
