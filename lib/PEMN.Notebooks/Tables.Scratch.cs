using static TorchSharp.torch;

namespace PEMN.Notebooks;

public static partial class Tables
{
    /// <summary>
    /// One optimiser step on a tiny masked layer, entry by entry (notebook 00): the frozen weight, the score before, its
    /// gradient dL/dS, the score after, and what the mask did (kept, dropped, enters, leaves). Rows in order of |score| before
    /// the step, largest first, so the mask's cut is one line of the table. Every tensor has the layer's shape; masks are 0/1.
    /// </summary>
    /// <exception cref="ArgumentException">The tensors' element counts differ.</exception>
    public static HtmlTable ScoreStep(Tensor weight, Tensor scoresBefore, Tensor gradient, Tensor scoresAfter, Tensor maskBefore, Tensor maskAfter)
    {
        var parts = new[] { weight, scoresBefore, gradient, scoresAfter, maskBefore, maskAfter };
        if (parts.Any(t => t.numel() != weight.numel()))
            throw new ArgumentException($"Every tensor must have the weight's {weight.numel()} elements; got {string.Join(", ", parts.Select(t => t.numel()))}.");
        float[] Values(Tensor t) => t.detach().cpu().to(ScalarType.Float32).flatten().data<float>().ToArray();
        var (w, before, grad, after, kept, keeps) = (Values(weight), Values(scoresBefore), Values(gradient), Values(scoresAfter), Values(maskBefore), Values(maskAfter));
        var columns = weight.dim() == 2 ? weight.shape[1] : 1;
        var table = new HtmlTable("One step: scores before and after, and what the mask did (rows by |score| before, largest first)")
            .Column("entry").Column("weight W", Align.Right).Column("score before", Align.Right).Column("dL/dS", Align.Right)
            .Column("score after", Align.Right).Column("mask");
        foreach (var i in Enumerable.Range(0, w.Length).OrderByDescending(i => Math.Abs(before[i])))
        {
            var what = (kept[i] != 0, keeps[i] != 0) switch
            {
                (true, true) => "kept",
                (false, false) => "dropped",
                (false, true) => "enters",
                (true, false) => "leaves",
            };
            table.Row([$"[{i / columns}, {i % columns}]", Numbers.Fixed(w[i], 3), Numbers.Fixed(before[i], 4), Numbers.Fixed(grad[i], 4),
                Numbers.Fixed(after[i], 4), what], muted: what == "dropped");
        }
        var entered = Enumerable.Range(0, w.Length).Count(i => kept[i] == 0 && keeps[i] != 0);
        return table.Note($"{kept.Count(v => v != 0)} of {w.Length} kept before, {keeps.Count(v => v != 0)} after; {entered} entered and " +
            $"{Enumerable.Range(0, w.Length).Count(i => kept[i] != 0 && keeps[i] == 0)} left the mask.");
    }
}
