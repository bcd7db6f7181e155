using PEMN.Runtime;
using System.Text.Json;
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
/// moment leaves the previous checkpoint usable.
/// </summary>
public static class Checkpoint
{
    /// <summary>File name of the index that names the current checkpoint.</summary>
    public const string StateFile = "state.json";

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
        var previous = TryReadState(directory);
        var modelFile = $"model-e{epoch}.bin";
        var optimizerFile = $"optimizer-e{epoch}.bin";
        using (NewDisposeScope())
        {
            AtomicFile.Write(Path.Combine(directory, modelFile), tmp => model.save(tmp));
            AtomicFile.Write(Path.Combine(directory, optimizerFile), tmp => optimizer.save_state_dict(tmp));
        }
        string rng;
        using (var state = get_rng_state()) rng = Convert.ToBase64String(state.data<byte>().ToArray());
        var index = new State(epoch, seconds, [.. history], modelFile, optimizerFile, rng);
        AtomicFile.WriteAllText(Path.Combine(directory, StateFile), JsonSerializer.Serialize(index, Json));
        if (previous is not null && previous.Epoch != epoch)
        {
            File.Delete(Path.Combine(directory, previous.ModelFile));
            File.Delete(Path.Combine(directory, previous.OptimizerFile));
        }
    }

    /// <summary>
    /// Restores the last checkpoint in <paramref name="directory"/> into <paramref name="model"/> and
    /// <paramref name="optimizer"/> and the global RNG; returns its state, or null when there is none.
    /// </summary>
    public static State? TryLoad(string directory, nn.Module model, OptimizerHelper optimizer)
    {
        var state = TryReadState(directory);
        if (state is null) return null;
        using (NewDisposeScope()) model.load(Path.Combine(directory, state.ModelFile));
        // Outside any dispose scope: SGD creates its momentum buffers while loading, and they must outlive this call.
        optimizer.load_state_dict(Path.Combine(directory, state.OptimizerFile));
        using (var rng = tensor(Convert.FromBase64String(state.RngState))) set_rng_state(rng);
        return state;
    }

    /// <summary>The index of the last checkpoint, or null when the folder holds none.</summary>
    public static State? TryReadState(string directory)
    {
        var path = Path.Combine(directory, StateFile);
        if (!File.Exists(path)) return null;
        return JsonSerializer.Deserialize<State>(File.ReadAllText(path), Json)
            ?? throw new InvalidDataException($"Checkpoint index '{path}' is empty.");
    }
}
