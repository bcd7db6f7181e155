using System.Buffers.Binary;
using System.Text.Json.Nodes;
using PEMN.Configuration;
using PEMN.Data;
using PEMN.Fuzz;

namespace PEMN.Tests.Fuzz;

/// <summary>
/// Inputs of a few hundred bytes that declare huge sizes are refused with a message, checked in a child process whose
/// address space is capped (<see cref="CappedHarness"/>): a reader that took the declared memory first would die there.
/// </summary>
public class HostileSizeTests
{
    private const long Huge = 1L << 40;

    [Fact]
    public void The_cap_refuses_a_gigabyte_and_a_half()
    {
        // The control: without it a cap too loose to bite would let every test below pass for nothing.
        const int SmallMib = 64, LargeMib = 1536;
        Assert.Equal(0, CappedHarness.Run("allocate", $"{SmallMib}").ExitCode);
        var (exit, output) = CappedHarness.Run("allocate", $"{LargeMib}");
        Assert.NotEqual(0, exit);
        Assert.Matches("Out ?[Oo]f ?[Mm]emory", output);
    }

    [Fact]
    public void A_pemn_tensor_declaring_gigabytes_without_their_bytes_is_refused()
    {
        var file = TinyPemn();
        const int TensorShape0 = 594; // tensors[0].shape[0] (FileFormat.md, section 13)
        BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(TensorShape0), 1L << 28);
        AssertRefused("pemn", file, "LimitExceeded", "need");
    }

    [Fact]
    public void A_context_coded_mask_claiming_more_entries_than_its_payload_can_carry_is_refused_before_decoding()
    {
        var file = TinyPemn();
        const int Prototype0TiledLength = 187, Layer1Shape0 = 386; // FileFormat.md, section 13
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(Prototype0TiledLength), 1UL << 28);
        BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(Layer1Shape0), 1L << 24); // 2^24 x 4 x 2 x 2 = 2^28 entries in 9 bytes
        AssertRefused("pemn", file, "InvalidMask", "cannot fit in 9 bytes");
    }

    [Theory]
    [InlineData("model", "dim", 1_000_000, "weights")]
    [InlineData("model", "depth", 100_000_000, "model.depth")]
    [InlineData("model", "image_size", 1 << 20, "model.image_size")]
    [InlineData("model", "kernel", 1 << 20, "model.kernel")]
    [InlineData("training", "batch_size", 1 << 30, "training.batch_size")]
    public void A_config_declaring_a_model_or_batch_no_machine_holds_is_refused_before_anything_is_built(string section, string field, long value, string named)
    {
        var config = ExperimentJson.ToNode(ExperimentPresets.Get("smoke"));
        config[section]![field] = value;
        AssertRefused("config", System.Text.Encoding.UTF8.GetBytes(config.ToJsonString()), named, global::PEMN.Runtime.SizeLimits.ScaleVariable);
    }

    [Fact]
    public void A_grid_of_a_million_runs_is_refused_before_it_is_expanded()
    {
        const int ValuesPerAxis = 10;
        string[] axes = ["training.seed", "training.epochs", "training.lr_max", "training.weight_decay", "training.label_smoothing", "masking.keep_fraction"];
        var grid = new JsonObject();
        foreach (var axis in axes)
            grid[axis] = new JsonArray([.. Enumerable.Range(1, ValuesPerAxis).Select(i => JsonValue.Create(axis == "training.seed" || axis == "training.epochs" ? i : i / 100.0))]);
        var text = new JsonObject { ["preset"] = "smoke", ["grid"] = grid }.ToJsonString();
        AssertRefused("grid", System.Text.Encoding.UTF8.GetBytes(text), "1,000,000 runs", "limit");
    }

    [Fact]
    public void An_idx_header_declaring_gigapixel_images_is_refused()
    {
        var header = new byte[16];
        BinaryPrimitives.WriteInt32BigEndian(header, IdxReader.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), 1 << 20);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), 1 << 16);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), 1 << 16);
        AssertRefused("idx", header, "65536x65536 pixels", "limit");
    }

    [Fact]
    public void A_jpeg_header_declaring_65500_by_65500_pixels_is_refused_before_decoding()
    {
        var jpeg = SmallJpeg();
        const byte Marker = 0xFF, StartOfFrame = 0xC0;
        const int HeightOffset = 5; // FF C0, length (2), precision (1), then height and width (2 each, big-endian)
        var sof = Enumerable.Range(0, jpeg.Length - 1).First(i => jpeg[i] == Marker && jpeg[i + 1] == StartOfFrame);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + HeightOffset), 65500);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + HeightOffset + 2), 65500);
        AssertRefused("jpeg", jpeg, "65500x65500", "at most");
    }

    [Theory]
    [InlineData("/dev/zero\tn01\n", "is not a file name")]
    [InlineData("../../wnids.txt\tn01\n", "is not a file name")]
    [InlineData("val_0.JPEG\tn01\nval_0.JPEG\tn01\n", "is listed again")]
    public void A_tiny_imagenet_annotation_naming_another_file_or_one_image_twice_is_refused(string annotations, string expected)
    {
        var input = InputParts.Join("n01\n"u8.ToArray(), [], System.Text.Encoding.UTF8.GetBytes(annotations), SmallJpeg());
        AssertRefused("tinyimagenet", input, expected, "val_annotations.txt");
    }

    private static void AssertRefused(string target, byte[] input, params string[] expected)
    {
        var (exit, output) = CappedHarness.Check(target, input);
        Assert.True(exit == 0 && output.Contains(": refused: ", StringComparison.Ordinal), $"expected a refusal, got exit {exit}:\n{output}");
        foreach (var text in expected) Assert.Contains(text, output);
    }

    private static byte[] TinyPemn() => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Storage", "fixtures", "tiny.pemn"));

    private static byte[] SmallJpeg()
    {
        const int Side = 8;
        var path = Path.GetTempFileName();
        try
        {
            JpegDecoder.WriteJpeg(path, new byte[3 * Side * Side], Side, Side);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
