using PEMN.Analysis;
using PEMN.Plans;

namespace PEMN.Tests.Analysis;

/// <summary>The closing sentences of the accuracy-bytes trade-off, computed from the files.</summary>
public class FileTradeOffTests
{
    private static FilePoint Pemn(string series, double k, long bytes, double bits, double final) =>
        new(series, FigurePlans.KeepLabel(k), k, $"{series}-{k}", bytes, 100, bytes / 10, 1000, 500, bits, final, final);

    private static FilePoint Sparse(string label, double q, long bytes, double final) =>
        new("Random", label, q, label, bytes, 400, 100, 1000, 500, 0.4, final, final) { IsSparse = true };

    [Fact]
    public void EachSparseFileMeetsTheMostAccuratePemnFileNoLargerAndTheWinsAreCounted()
    {
        IReadOnlyList<FilePoint> points =
        [
            Pemn("Mask", 0.05, 3000, 0.30, 0.70), Pemn("Mask", 0.5, 3400, 1.0, 0.80), Pemn("RP 1e-2", 0.2, 3200, 0.75, 0.78),
            Sparse("Random 96 %", 0.03, 2900, 0.5),   // smaller than every PEMN file
            Sparse("Random 94 %", 0.05, 3250, 0.79),  // PEMN files no larger: Mask 0.05 (70 %), RP 0.2 (78 %): the sparse one wins
            Sparse("Random 90 %", 0.08, 3500, 0.79),  // Mask 0.5 (80 %) is no larger: PEMN wins
            new("Dense", "Dense", 1, "d", 30_000, 0, 0, 29_000, 1000, 0, 0.9, 0.9) { IsDense = true },
        ];
        var text = FileTradeOff.Describe(points);
        Assert.Contains("Random 96 % (2,900 bytes, 50.00 %): no PEMN file is that small.", text);
        Assert.Contains("Random 94 % (3,250 bytes, 40.0 bits per kept value): 79.00 %; the best PEMN file no larger, RP 1e-2 k = 0.2 (3,200 bytes), scores 78.00 %: the sparse network is at least as accurate.", text);
        Assert.Contains("the best PEMN file no larger, Mask k = 0.5 (3,400 bytes), scores 80.00 %: PEMN is more accurate.", text);
        Assert.Contains("a PEMN file is more accurate than 1 of 3 sparse files", text);
        Assert.Contains("Mask: the masks cost 0.300 at k = 0.05 (H = 0.286), 1.000 at k = 0.5 (H = 1.000) bits per weight.", text);
        Assert.Contains("Masks below the bitmap's 1 bit per weight: at k = 0.05, 0.2.", text);
        Assert.Contains("Largest excess over H(k): +0.028 bits per weight (RP 1e-2, k = 0.2)", text);
        Assert.Contains("Smallest PEMN file: Mask k = 0.05, 3,000 bytes at 70.00 %; most accurate: Mask k = 0.5, 3,400 bytes at 80.00 %.", text);
        Assert.Contains("Dense: 30,000 bytes at 90.00 %, 10.0 times the smallest PEMN file and 8.8 times the most accurate one.", text);
    }
}
