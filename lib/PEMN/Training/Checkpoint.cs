using System.Text.Json;
using PEMN.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PEMN.Training;

/// <summary>
/// The state after a finished epoch, enough for a resumed run to continue exactly as an uninterrupted one:
/// model state_dict (parameters and buffers: scores, frozen weights, BN statistics), optimiser state
/// (TorchSharp's own format: AdamW moments and step counts, SGD momentum buffers), the global CPU RNG state,
/// epochs done and their history. Data order needs no state: <see cref="Data.IBatchSource.Epoch"/> depends
/// only on the seed and the epoch. (CUDA generators are not captured: GPU runs are not bit-reproducible anyway.)
/// Files are epoch-numbered and state.json, written last and atomically, names the complete set, so a kill at any
/// moment leaves the previous checkpoint usable; files it does not name are stale and deleted at the next save.
/// A damaged checkpoint is reported as a <see cref="CorruptFileException"/> naming the file, never half-loaded.
/// </summary>
public static class Checkpoint
{
    /// <summary>File name of the index that names the current checkpoint.</summary>
    public const string StateFile = "state.json";

    private const string ModelPrefix = "model-e", OptimizerPrefix = "optimizer-e", BinarySuffix = ".bin";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    /// <summary>What state.json holds.</summary>
    /// <param name="Epoch">Epochs completed.</param>
    /// <param name="Seconds">Training seconds of those epochs.</param>
    /// <param name="History">Their records.</param>
    /// <param name="ModelFile">Model state file name (same folder).</param>
    /// <param name="OptimizerFile">Optimiser state file name (same folder).</param>
    /// <param name="RngState">torch's default CPU generator state, base64.</param>
    public sealed record State(int Epoch, double Seconds, List<EpochRecord> History, string ModelFile, string OptimizerFile, string RngState);

    /// <summary>Saves the state after <paramref name="epoch"/> completed epochs into <paramref name="directory"/>.</summary>
    public static void Save(string directory, nn.Module model, OptimizerHelper optimizer, int epoch, double seconds, IReadOnlyList<EpochRecord> history)
    {
        Directory.CreateDirectory(directory);
        var modelFile = $"{ModelPrefix}{epoch}{BinarySuffix}";
        var optimizerFile = $"{OptimizerPrefix}{epoch}{BinarySuffix}";
        using (NewDisposeScope())
        {
            AtomicFile.Write(Path.Combine(directory, modelFile), tmp => model.save(tmp));
            AtomicFile.Write(Path.Combine(directory, optimizerFile), tmp => optimizer.save_state_dict(tmp));
        }
        string rng;
        using (var state = get_rng_state()) rng = Convert.ToBase64String(state.data<byte>().ToArray());
        var index = new State(epoch, seconds, [.. history], modelFile, optimizerFile, rng);
        AtomicFile.WriteAllText(Path.Combine(directory, StateFile), JsonSerializer.Serialize(index, Json));
        DeleteStale(directory, index);
    }

    /// <summary>
    /// Restores the last checkpoint in <paramref name="directory"/> into <paramref name="model"/> and
    /// <paramref name="optimizer"/> and the global RNG; returns its state, or null when there is none.
    /// </summary>
    /// <exception cref="CorruptFileException">A checkpoint file is damaged; it names the file.</exception>
    public static State? TryLoad(string directory, nn.Module model, OptimizerHelper optimizer)
    {
        var state = TryReadState(directory);
        if (state is null) return null;
        var modelPath = Path.Combine(directory, state.ModelFile);
        var optimizerPath = Path.Combine(directory, state.OptimizerFile);
        try
        {
            using (NewDisposeScope()) model.load(modelPath);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new CorruptFileException(modelPath, $"not a model state of this network ({e.Message}).", e);
        }
        try
        {
            // Outside any dispose scope: SGD creates its momentum buffers while loading, and they must outlive this call.
            optimizer.load_state_dict(optimizerPath);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new CorruptFileException(optimizerPath, $"not an optimiser state of this run ({e.Message}).", e);
        }
        using (var rng = tensor(Convert.FromBase64String(state.RngState))) set_rng_state(rng);
        return state;
    }

    /// <summary>
    /// The index of the last checkpoint, or null when the folder holds none. The index is checked against the folder:
    /// it must parse, be consistent, and name model and optimiser files that exist and are not empty.
    /// </summary>
    /// <exception cref="CorruptFileException">state.json or a file it names is damaged or missing; it names the file.</exception>
    public static State? TryReadState(string directory)
    {
        var path = Path.Combine(directory, StateFile);
        if (!File.Exists(path)) return null;
        State? state;
        try
        {
            state = JsonSerializer.Deserialize<State>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new CorruptFileException(path, $"not a checkpoint index ({e.Message}).", e);
        }
        if (state is null || state.History is null || state.ModelFile is null || state.OptimizerFile is null || state.RngState is null)
            throw new CorruptFileException(path, "a checkpoint index needs epoch, seconds, history, model_file, optimizer_file and rng_state.");
        if (state.Epoch < 1 || state.History.Count != state.Epoch)
            throw new CorruptFileException(path, $"epoch = {state.Epoch} with {state.History.Count} history records; a checkpoint has epoch >= 1 and one record per epoch.");
        if (!IsBase64(state.RngState))
            throw new CorruptFileException(path, "rng_state is not base64.");
        foreach (var file in new[] { state.ModelFile, state.OptimizerFile })
        {
            // The index names files in its own folder only.
            if (Path.GetFileName(file) != file)
                throw new CorruptFileException(path, $"names '{file}', which is not a file name in its folder.");
            var full = Path.Combine(directory, file);
            if (!File.Exists(full)) throw new CorruptFileException(full, $"missing; {StateFile} names it as the checkpoint after epoch {state.Epoch}.");
            if (new FileInfo(full).Length == 0) throw new CorruptFileException(full, "empty.");
        }
        return state;
    }

    /// <summary>Deletes the checkpoint folder (to train again from epoch 0).</summary>
    public static void Discard(string directory)
    {
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }

    /// <summary>
    /// Deletes what <paramref name="current"/> does not name: per-epoch files of earlier epochs (a kill between writing
    /// state.json and deleting them leaves them) and temporary files of interrupted writes. Only the run's one writer calls this.
    /// </summary>
    private static void DeleteStale(string directory, State current)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*" + BinarySuffix))
        {
            var name = Path.GetFileName(file);
            var perEpoch = name.StartsWith(ModelPrefix, StringComparison.Ordinal) || name.StartsWith(OptimizerPrefix, StringComparison.Ordinal);
            if (perEpoch && name != current.ModelFile && name != current.OptimizerFile) File.Delete(file);
        }
        AtomicFile.DeleteTemporaries(directory);
    }

    private static bool IsBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out _);
    }
}
