namespace PEMN.Data;

/// <summary>
/// Tiny-ImageNet-200 as distributed: wnids.txt (the class ids), train/&lt;wnid&gt;/images/*.JPEG,
/// val/images/*.JPEG with val/val_annotations.txt (file, wnid, box), and optionally words.txt for names.
/// Classes are the wnids sorted ordinally (as an image-folder loader orders them); images within a
/// class are read in ordinal file-name order. The official test split has no labels, so val is the test split.
/// </summary>
public static class TinyImageNetReader
{
    /// <summary>The class-id file.</summary>
    public const string WnidsFile = "wnids.txt";
    /// <summary>The validation annotations file, relative to the root.</summary>
    public static readonly string ValAnnotations = Path.Combine("val", "val_annotations.txt");

    /// <summary>Characters that make an annotation's image name a path rather than a file name of val/images.</summary>
    private static readonly char[] PathCharacters = [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar, '\0'];

    /// <summary>The sorted wnids of <paramref name="root"/>.</summary>
    public static string[] Wnids(string root)
    {
        var path = Path.Combine(root, WnidsFile);
        if (!File.Exists(path)) throw new DataSetException($"Missing file {path}; expected one class id (wnid) per line.");
        var wnids = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).Distinct().Order(StringComparer.Ordinal).ToArray();
        if (wnids.Length == 0) throw new DataSetException($"{path}: no class ids; expected one wnid per line.");
        return wnids;
    }

    /// <summary>Readable class names from words.txt (first synonym), or the wnids themselves when it is absent.</summary>
    public static string[] ClassNames(string root, string[] wnids)
    {
        var path = Path.Combine(root, "words.txt");
        if (!File.Exists(path)) return wnids;
        var words = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split('\t', 2);
            if (parts.Length == 2) words[parts[0].Trim()] = parts[1].Split(',')[0].Trim();
        }
        return wnids.Select(w => words.TryGetValue(w, out var name) ? name : w).ToArray();
    }

    /// <summary>Reads the training split.</summary>
    public static ImageDataSet LoadTrain(string root)
    {
        var wnids = Wnids(root);
        var files = new List<(string Path, long Label)>();
        for (var label = 0; label < wnids.Length; label++)
        {
            var folder = Path.Combine(root, "train", wnids[label], "images");
            if (!Directory.Exists(folder))
                throw new DataSetException($"Missing folder {folder}; expected the JPEG images of class {wnids[label]} (listed in {WnidsFile}).");
            var images = Directory.GetFiles(folder, "*.JPEG").Order(StringComparer.Ordinal).ToArray();
            if (images.Length == 0) throw new DataSetException($"{folder}: no *.JPEG images; expected the images of class {wnids[label]}.");
            files.AddRange(images.Select(p => (p, (long)label)));
        }
        return Decode("tiny-imagenet/train", files, ClassNames(root, wnids));
    }

    /// <summary>Reads the validation split (used as the test split).</summary>
    public static ImageDataSet LoadVal(string root)
    {
        var wnids = Wnids(root);
        var index = wnids.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => (long)p.i, StringComparer.Ordinal);
        var annotations = Path.Combine(root, ValAnnotations);
        if (!File.Exists(annotations))
            throw new DataSetException($"Missing file {annotations}; expected lines 'file<TAB>wnid<TAB>box'.");
        var folder = Path.Combine(root, "val", "images");
        if (!Directory.Exists(folder)) throw new DataSetException($"Missing folder {folder}; expected the validation JPEG images.");
        var files = new List<(string Path, long Label)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(annotations))
        {
            lineNumber++;
            if (line.Trim().Length == 0) continue;
            var parts = line.Split('\t');
            if (parts.Length < 2)
                throw new DataSetException($"{annotations}:{lineNumber}: expected 'file<TAB>wnid<TAB>box', got '{line}'.");
            if (!index.TryGetValue(parts[1].Trim(), out var label))
                throw new DataSetException($"{annotations}:{lineNumber}: class {parts[1]} is not in {WnidsFile}; expected one of its {wnids.Length} wnids.");
            var file = parts[0].Trim();
            // A plain file name of val/images: a path would read any file of the machine (an absolute path, '..', /dev/zero).
            if (file.Length == 0 || file is "." or ".." || file.IndexOfAny(PathCharacters) >= 0)
                throw new DataSetException($"{annotations}:{lineNumber}: image '{file}' is not a file name; expected the name of an image in {folder}.");
            // Each image once: a line repeated a million times would otherwise decode one image a million times over.
            if (!names.Add(file))
                throw new DataSetException($"{annotations}:{lineNumber}: image '{file}' is listed again; expected one line per validation image.");
            files.Add((Path.Combine(folder, file), label));
        }
        if (files.Count == 0) throw new DataSetException($"{annotations}: no annotations; expected one line per validation image.");
        files.Sort((a, b) => StringComparer.Ordinal.Compare(a.Path, b.Path));
        return Decode("tiny-imagenet/val", files, ClassNames(root, wnids));
    }

    private static ImageDataSet Decode(string name, List<(string Path, long Label)> files, string[] classNames)
    {
        foreach (var (path, _) in files)
            if (!File.Exists(path)) throw new DataSetException($"Missing file {path}; expected a JPEG image.");
        var first = JpegDecoder.DecodeRgb(files[0].Path);
        var size = first.Planes.Length;
        DataLimits.CheckDataSet(name, files.Count, size);
        var images = new byte[(long)files.Count * size];
        var labels = files.Select(f => f.Label).ToArray();
        try
        {
            Parallel.For(0, files.Count, i =>
            {
                var (planes, height, width) = i == 0 ? first : JpegDecoder.DecodeRgb(files[i].Path);
                if (height != first.Height || width != first.Width)
                    throw new DataSetException($"{files[i].Path}: {height}x{width} pixels; expected {first.Height}x{first.Width} like {files[0].Path}.");
                Array.Copy(planes, 0, images, (long)i * size, size);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.FirstOrDefault() is DataSetException inner)
        {
            throw new DataSetException(inner.Message, inner);
        }
        return new ImageDataSet(name, images, labels, 3, first.Height, first.Width, classNames);
    }
}
