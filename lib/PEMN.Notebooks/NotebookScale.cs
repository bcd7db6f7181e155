namespace PEMN.Notebooks;

/// <summary>
/// How much work a notebook does: the same notebook runs in seconds in the tests and fully for real.
/// Chosen by the environment variable <c>PEMN_SCALE</c> (see <see cref="NotebookEnvironment"/>).
/// </summary>
public enum NotebookScale
{
    /// <summary>Tiny shapes and a handful of steps: the notebook tests, seconds per notebook.</summary>
    Smoke,
    /// <summary>Small models on Fashion-MNIST, minutes on a CPU: the default of scripts/reproduce.sh.</summary>
    Quick,
    /// <summary>The paper's settings: GPU work.</summary>
    Paper,
}

/// <summary>Parses <see cref="NotebookScale"/> values from their names (smoke, quick, paper).</summary>
public static class NotebookScales
{
    /// <summary>The scale when <c>PEMN_SCALE</c> is unset or empty: interactive use gets real, CPU-sized runs.</summary>
    public const NotebookScale Default = NotebookScale.Quick;

    /// <summary>
    /// Parses <paramref name="value"/> (case-insensitive; null or blank gives <see cref="Default"/>).
    /// Throws naming <paramref name="source"/>, the bad value and the allowed values.
    /// </summary>
    public static NotebookScale Parse(string? value, string source = NotebookEnvironment.ScaleVariable) =>
        string.IsNullOrWhiteSpace(value) ? Default : Runtime.Names.Parse<NotebookScale>(value, source);

    /// <summary>The allowed values, in order of size.</summary>
    public static IReadOnlyList<string> Names { get; } = Runtime.Names.All<NotebookScale>();
}
