using System.Text.Json;
using PEMN.Masking;
using PEMN.Models;
using static TorchSharp.torch;

namespace PEMN.Tests.Models;

/// <summary>
/// The PyTorch reference fixture written by bench/pytorch/make_fixtures.py (Models/fixtures/convmixer_reference.json):
/// a tiny ConvMixer's input, labels and, for the dense and the masked model, every state_dict tensor by module path,
/// the expected masks, logits (eval and train mode), loss, gradients and BN running statistics after one train forward.
/// A tensor is {"shape": [...], "data": [...]} flattened row-major; floats are shortest float32 decimals, read back exactly.
/// </summary>
internal sealed class ReferenceFixture
{
    public const string FileName = "convmixer_reference.json";

    private readonly JsonElement root;

    private ReferenceFixture(JsonElement root) => this.root = root;

    /// <summary>The fixture copied next to the test assembly.</summary>
    public static ReferenceFixture Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Models", "fixtures", FileName);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return new ReferenceFixture(doc.RootElement.Clone());
    }

    private JsonElement Model => root.GetProperty("model");

    /// <summary>The model definition the fixture was made for, with the given activation (the fixture's unless overridden).</summary>
    public ModelConfig Config(Activation? activation = null) => new(
        ModelName.ConvMixer,
        Dim: Model.GetProperty("dim").GetInt64(),
        Depth: Model.GetProperty("depth").GetInt64(),
        Kernel: Model.GetProperty("kernel").GetInt64(),
        Patch: Model.GetProperty("patch").GetInt64(),
        InChannels: Model.GetProperty("in_channels").GetInt64(),
        ImageSize: Model.GetProperty("image_size").GetInt64(),
        Classes: Model.GetProperty("classes").GetInt64(),
        Activation: activation ?? (Model.GetProperty("activation").GetString() switch
        {
            "gelu" => Activation.Gelu,
            "relu" => Activation.Relu,
            var other => throw new InvalidDataException($"Fixture activation '{other}' is unknown."),
        }));

    /// <summary>The masking options of the fixture's masked model (k, learnable BN).</summary>
    public MaskingOptions Masking => new(KeepFraction: Model.GetProperty("keep_fraction").GetDouble(), Norm: NormMode.Learnable);

    /// <summary>The input batch [B, C, H, W].</summary>
    public Tensor Input() => ToTensor(root.GetProperty("input"));

    /// <summary>The class labels of the loss.</summary>
    public Tensor Labels() => tensor(root.GetProperty("labels").EnumerateArray().Select(e => e.GetInt64()).ToArray());

    /// <summary>One case: "dense" or "masked".</summary>
    public Case Get(LayerKind kind) => new(root.GetProperty(kind == LayerKind.Dense ? "dense" : "masked"));

    /// <summary>A float32 tensor from {"shape", "data"}.</summary>
    public static Tensor ToTensor(JsonElement e)
    {
        var shape = e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        var data = e.GetProperty("data").EnumerateArray().Select(d => d.GetSingle()).ToArray();
        return tensor(data).reshape(shape);
    }

    /// <summary>The tensors of one JSON object, by name, in file order.</summary>
    public static IReadOnlyList<(string Name, Tensor Value)> Tensors(JsonElement e) =>
        e.EnumerateObject().Select(p => (p.Name, ToTensor(p.Value))).ToList();

    /// <summary>The expectations for one model kind.</summary>
    public sealed class Case(JsonElement e)
    {
        public IReadOnlyList<(string Name, Tensor Value)> State() => Tensors(e.GetProperty("state"));
        public IReadOnlyList<(string Name, Tensor Value)> Masks() => Tensors(e.GetProperty("masks"));
        public IReadOnlyList<(string Name, Tensor Value)> Gradients() => Tensors(e.GetProperty("grads"));
        public IReadOnlyList<(string Name, Tensor Value)> RunningAfterTrain() => Tensors(e.GetProperty("running_after_train"));
        public Tensor LogitsEval() => ToTensor(e.GetProperty("logits_eval"));
        public Tensor LogitsTrain() => ToTensor(e.GetProperty("logits_train"));
        public float LossTrain => e.GetProperty("loss_train").GetSingle();
    }
}
