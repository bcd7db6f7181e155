using System.Globalization;

namespace PEMN.Cluster;

/// <summary>
/// One job array: plan points <see cref="Points"/> as array indices point - <see cref="Offset"/> (Slurm's indices must stay
/// below its MaxArraySize, so a large plan is cut into arrays that each start at an offset).
/// </summary>
/// <param name="Offset">The plan index of array index 0.</param>
/// <param name="Points">The plan indices this array runs, ascending.</param>
/// <param name="Wave">
/// 0, or 1 for runs whose parent run is submitted in wave 0 (<see cref="SlurmJobFolder.Waves"/>): a wave-1 array is submitted to
/// start after every wave-0 array has ended (sbatch --dependency=afterany).
/// </param>
public sealed record SlurmArray(int Offset, IReadOnlyList<int> Points, int Wave = 0)
{
    /// <summary>
    /// The value of sbatch --array: the indices as ranges ("0,2-5,9"), with "%N" when at most N tasks may run at once.
    /// </summary>
    public string Spec(int? throttle = null)
    {
        var parts = new List<string>();
        var indices = Points.Select(p => p - Offset).ToList();
        for (var i = 0; i < indices.Count;)
        {
            var j = i;
            while (j + 1 < indices.Count && indices[j + 1] == indices[j] + 1) j++;
            parts.Add(i == j ? Text(indices[i]) : $"{Text(indices[i])}-{Text(indices[j])}");
            i = j + 1;
        }
        return string.Join(",", parts) + (throttle is { } n ? $"%{Text(n)}" : "");
    }

    /// <summary>
    /// Cuts <paramref name="points"/> (plan indices) into arrays whose indices stay below <paramref name="maxArraySize"/>:
    /// each array starts at its first point, and holds every later point that fits under the limit.
    /// </summary>
    public static IReadOnlyList<SlurmArray> Cut(IEnumerable<int> points, int maxArraySize, int wave = 0)
    {
        if (maxArraySize < 1) throw new ArgumentOutOfRangeException(nameof(maxArraySize), maxArraySize, "max_array_size must be at least 1.");
        var arrays = new List<SlurmArray>();
        var current = new List<int>();
        foreach (var point in points.Distinct().Order())
        {
            if (current.Count > 0 && point - current[0] >= maxArraySize)
            {
                arrays.Add(new SlurmArray(current[0], current, wave));
                current = [];
            }
            current.Add(point);
        }
        if (current.Count > 0) arrays.Add(new SlurmArray(current[0], current, wave));
        return arrays;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
