using System.Buffers.Binary;
using PEMN.Data;

namespace PEMN.Fuzz.Targets;

/// <summary>The data-set readers: IDX (Fashion-MNIST), CIFAR binaries, JPEG images and Tiny-ImageNet folders.</summary>
public static class DataTargets
{
    // No static field may touch the library: its type initialisers are instrumented, and instrumented code may run only
    // inside SharpFuzz's loop (before it, the trace memory does not exist and the process dies of an access violation).

    /// <summary>One IDX file (plain or gzip): read as an image file when it starts with the images magic, else as a label file.</summary>
    public static FuzzTarget Idx { get; } = new("idx", "IDX image and label files, plain or gzip (IdxReader)",
        input =>
        {
            var path = Scratch.File("fuzz.idx", input);
            if (input.Length >= sizeof(int) && BinaryPrimitives.ReadInt32BigEndian(input) == IdxReader.ImagesMagic) IdxReader.ReadImages(path);
            else IdxReader.ReadLabels(path);
        },
        [typeof(DataSetException)]);

    /// <summary>One CIFAR binary file; the first byte's lowest bit chooses CIFAR-10 (1 label byte) or CIFAR-100 (2).</summary>
    public static FuzzTarget Cifar { get; } = new("cifar", "CIFAR-10/100 binary record files, plain or gzip (CifarReader.Load)",
        input =>
        {
            var labelBytes = input.Length > 0 && (input[0] & 1) == 1 ? 2 : 1;
            var path = Scratch.File("fuzz.bin", input);
            CifarReader.Load("fuzz", [path], labelBytes, labelBytes == 1 ? CifarReader.Cifar10Classes : CifarReader.Cifar100Classes);
        },
        [typeof(DataSetException)]);

    /// <summary>One image file through the JPEG decoder (Skia, native code: its own branches are not instrumented).</summary>
    public static FuzzTarget Jpeg { get; } = new("jpeg", "JPEG images (JpegDecoder.DecodeRgb)",
        input => JpegDecoder.DecodeRgb(Scratch.File("fuzz.JPEG", input)),
        [typeof(DataSetException)]);

    /// <summary>File names of the Tiny-ImageNet target's parts, in input order.</summary>
    private static readonly string[] TinyParts = ["wnids.txt", "words.txt", "val/val_annotations.txt", "val/images/val_0.JPEG"];

    /// <summary>
    /// A Tiny-ImageNet root made of the input's NUL-separated parts (<see cref="InputParts"/>): wnids.txt, words.txt,
    /// val/val_annotations.txt and one image, val/images/val_0.JPEG; read as the validation split and its class names.
    /// </summary>
    public static FuzzTarget TinyImageNet { get; } = new("tinyimagenet", "Tiny-ImageNet folders: wnids, words, annotations, a JPEG (TinyImageNetReader)",
        input =>
        {
            var root = Scratch.Folder("tiny-imagenet");
            Directory.CreateDirectory(Path.Combine(root, "val", "images"));
            var parts = InputParts.Split(input, TinyParts.Length);
            for (var i = 0; i < TinyParts.Length; i++)
                if (parts[i] is { } part) File.WriteAllBytes(Path.Combine(root, TinyParts[i]), part);
            TinyImageNetReader.ClassNames(root, TinyImageNetReader.Wnids(root));
            TinyImageNetReader.LoadVal(root);
        },
        [typeof(DataSetException)]);

}
