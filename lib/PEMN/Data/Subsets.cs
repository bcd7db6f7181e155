using PEMN.Runtime;

namespace PEMN.Data;

/// <summary>
/// Smaller data sets cut from a split: the first N images, the first N of each class in file order
/// (the quick protocol: 1,000 per class of the official training file), or a seeded random N per class.
/// </summary>
public static class Subsets
{
    /// <summary>The first <paramref name="count"/> images in file order.</summary>
    public static ImageDataSet First(this ImageDataSet data, int count)
    {
        CheckCount(data, count, data.Count, "images");
        return data.Select(Enumerable.Range(0, count).ToArray(), $"{data.Name}[first {count}]");
    }

    /// <summary>The first <paramref name="perClass"/> images of every class, kept in file order.</summary>
    public static ImageDataSet FirstPerClass(this ImageDataSet data, int perClass)
    {
        CheckPerClass(data, perClass);
        var taken = new int[data.Classes];
        var indices = new List<int>(perClass * data.Classes);
        for (var i = 0; i < data.Count; i++)
        {
            var label = data.Labels[i];
            if (taken[label] < perClass) { taken[label]++; indices.Add(i); }
        }
        return data.Select(indices, $"{data.Name}[first {perClass} per class]");
    }

    /// <summary>
    /// A random <paramref name="perClass"/> images of every class, drawn by <paramref name="seed"/>
    /// (the same seed gives the same subset); the result keeps file order.
    /// </summary>
    public static ImageDataSet StratifiedPerClass(this ImageDataSet data, int perClass, long seed)
    {
        CheckPerClass(data, perClass);
        var byClass = Enumerable.Range(0, data.Classes).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < data.Count; i++) byClass[data.Labels[i]].Add(i);
        var indices = new List<int>(perClass * data.Classes);
        for (var c = 0; c < data.Classes; c++)
        {
            // One System.Random per class, seeded from (seed, class): independent of the other classes' sizes.
            var random = new Random(unchecked((int)SeedMix.Derive(seed, c, 0)));
            var members = byClass[c].ToArray();
            for (var i = 0; i < perClass; i++)
            {
                var j = random.Next(i, members.Length);
                (members[i], members[j]) = (members[j], members[i]);
            }
            indices.AddRange(members.Take(perClass));
        }
        indices.Sort();
        return data.Select(indices, $"{data.Name}[{perClass} per class, seed {seed}]");
    }

    private static void CheckPerClass(ImageDataSet data, int perClass)
    {
        var counts = data.ClassCounts();
        var smallest = counts.Min();
        CheckCount(data, perClass, smallest, "images per class (the smallest class has " + smallest + ")");
    }

    private static void CheckCount(ImageDataSet data, int count, int available, string what)
    {
        if (count <= 0 || count > available)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"{data.Name}: asked for {count} {what}; allowed 1..{available}.");
    }
}
