using System.Globalization;
using System.Runtime.InteropServices;
using PEMN.Strategies;
using TorchSharp;
using static TorchSharp.torch;

namespace PEMN.Runs;

/// <summary>
/// A packed run loaded back from its file and run on the run's test split. Where the run's checkpoint is (the machine that
/// trained it), the file's network and the checkpoint's are compared logit by logit, bit for bit; elsewhere (a clone, where only
/// the file is committed) the file's accuracy is compared with the run's recorded final test accuracy, which the packing machine
/// proved equal before it wrote the file (<see cref="PEMN.Plans.PlanPacking"/>).
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="AgainstCheckpoint">Whether the checkpoint was here to compare with.</param>
/// <param name="Images">Test images run through the file's network.</param>
/// <param name="Logits">Logits compared with the checkpoint's (0 without it).</param>
/// <param name="IdenticalLogits">Of those, identical bit for bit.</param>
/// <param name="SamePredictions">Images whose predicted class is the same for both networks (0 without the checkpoint).</param>
/// <param name="Accuracy">The file's network's accuracy on the test split.</param>
/// <param name="Recorded">The run's recorded final test accuracy.</param>
public sealed record ReloadCheck(string RunId, bool AgainstCheckpoint, long Images, long Logits, long IdenticalLogits, long SamePredictions,
    double Accuracy, double? Recorded)
{
    /// <summary>Whether every logit of the file's network equals the checkpoint's, bit for bit.</summary>
    public bool BitForBit => AgainstCheckpoint && Logits > 0 && IdenticalLogits == Logits;

    /// <summary>Whether the file's network scores exactly the run's recorded final test accuracy.</summary>
    public bool ScoresTheRecord => Recorded == Accuracy;

    /// <summary>Loads the file of <paramref name="file"/> and runs it (and the checkpoint, when it is there) on the run's test split.</summary>
    /// <exception cref="InvalidOperationException">The run folder has no file.</exception>
    public static ReloadCheck Run(RunFile file, Device? device = null)
    {
        if (!file.HasFile) throw new InvalidOperationException($"Run {file.RunId} has no {TrainedRun.PackedFile} in {file.RunDirectory} ({file.Status}).");
        var target = device ?? CPU;
        var experiment = new RunFolder(file.RunDirectory).ReadConfig();
        var (_, loaded) = RunPacking.LoadFile(file.FilePath, target);
        using var fromFile = loaded;
        PemnNetwork? trained = null;
        if (RunPacking.IncompleteReason(file.RunDirectory) is null)
        {
            trained = RunPacking.LoadRun(file.RunDirectory).Network;
            trained.Model.to(target);
        }
        using var _ = trained;
        var (train, test) = new ExperimentData().Load(experiment, target);
        try
        {
            fromFile.Model.eval();
            trained?.Model.eval();
            using var noGrad = no_grad();
            long images = 0, correct = 0, logits = 0, identical = 0, same = 0;
            foreach (var (x, y) in test.Epoch(0))
            {
                using var scope = NewDisposeScope();
                using (x)
                using (y)
                {
                    var a = fromFile.Model.forward(x).contiguous().cpu();
                    var predicted = a.argmax(1);
                    correct += predicted.eq(y.cpu()).sum().item<long>();
                    images += y.shape[0];
                    if (trained is null) continue;
                    var b = trained.Model.forward(x).contiguous().cpu();
                    var bitsA = MemoryMarshal.Cast<float, int>(a.data<float>().ToArray());
                    var bitsB = MemoryMarshal.Cast<float, int>(b.data<float>().ToArray());
                    logits += bitsA.Length;
                    for (var i = 0; i < bitsA.Length; i++) identical += bitsA[i] == bitsB[i] ? 1 : 0;
                    same += predicted.eq(b.argmax(1)).sum().item<long>();
                }
            }
            if (images == 0) throw new InvalidOperationException($"Run {file.RunId}: the test split yielded no images.");
            return new ReloadCheck(file.RunId, trained is not null, images, logits, identical, same, correct / (double)images, file.Recorded);
        }
        finally
        {
            (train as IDisposable)?.Dispose();
            (test as IDisposable)?.Dispose();
        }
    }

    /// <summary>What the check found, in a sentence or two.</summary>
    public string Describe()
    {
        var c = CultureInfo.InvariantCulture;
        var record = Recorded is { } r
            ? string.Format(c, "{0:P2} on {1:N0} test images, {2} the run's recorded final test accuracy ({3:P2})", Accuracy, Images, ScoresTheRecord ? "equal to" : "NOT equal to", r)
            : string.Format(c, "{0:P2} on {1:N0} test images", Accuracy, Images);
        if (!AgainstCheckpoint)
            return $"Run {RunId}: the file's network scores {record}. Its checkpoint is not here (checkpoints are not committed); the machine that packed it " +
                "compared the two before writing the file.";
        return string.Format(c, "Run {0}: {1:N0} of {2:N0} logits of the file's network are bit for bit the checkpoint's, {3:N0} of {4:N0} predictions agree; it scores {5}.",
            RunId, IdenticalLogits, Logits, SamePredictions, Images, record);
    }
}
