using PEMN.Data;
using PEMN.Models;

namespace PEMN.Configuration;

/// <summary>
/// One typed change to a config: the field it sets, named by its JSON path (what errors, help texts and the
/// not-applying check name), and the change itself. Command-line flags make edits with typed setters; <c>--set</c> and
/// sweep grids make them from path=value at the JSON edge (<see cref="ConfigOverrides.AtPath"/>). Three edits set other
/// fields too, by the records' own rules: a data set sets the model's image shape (<see cref="ExperimentConfig.WithDataSet"/>),
/// a model name such as resnet32 sets the depth (<see cref="ModelConfig.WithName"/>), and a peak learning rate clears the
/// dense one (<see cref="Training.TrainingConfig.WithLrMax"/>). <see cref="ApplyAll"/> applies those first, so that an edit
/// of a derived field in the same batch wins whatever the order it was given in.
/// </summary>
/// <param name="Path">The field the edit sets, as config.json names it (training.lr_max).</param>
/// <param name="Change">The change: a config in, the edited copy out.</param>
public sealed record ConfigEdit(string Path, Func<ExperimentConfig, ExperimentConfig> Change)
{
    /// <summary>JSON path of the data set.</summary>
    public const string DataSetPath = "data.dataset";
    /// <summary>JSON path of the architecture.</summary>
    public const string ModelNamePath = "model.name";
    /// <summary>JSON path of the peak learning rate.</summary>
    public const string LrMaxPath = "training.lr_max";
    /// <summary>JSON path of the depth (what a model name such as resnet32 fixes).</summary>
    public const string ModelDepthPath = "model.depth";

    /// <summary>Whether the edit sets fields besides its own; a batch applies these first.</summary>
    public bool Derives { get; init; }

    /// <summary>What the batch's result must hold for this edit, or null: given the result, the error when it does not.</summary>
    public Func<ExperimentConfig, ArgumentException?>? Requires { get; init; }

    /// <summary>The data set, and the model's image shape with it.</summary>
    public static ConfigEdit DataSet(DataSetName dataset) =>
        new(DataSetPath, c => c.WithDataSet(dataset)) { Derives = true };

    /// <summary>The architecture by any of its names; a name that fixes the depth (resnet32) sets it, and no other edit of the batch may change it.</summary>
    /// <exception cref="ArgumentException">Not a model name (<see cref="ModelConfig.AllowedNames"/>); ParamName is model.name.</exception>
    public static ConfigEdit ModelName(string nameOrAlias)
    {
        var named = new ModelConfig().WithName(nameOrAlias);
        return new(ModelNamePath, c => c with { Model = c.Model.WithName(nameOrAlias) })
        {
            Derives = true,
            Requires = ModelConfig.DepthAliases.ContainsKey(nameOrAlias)
                ? c => c.Model.Depth == named.Depth ? null
                    : new ArgumentException($"{ModelDepthPath} is set to {named.Depth} and {c.Model.Depth} ({nameOrAlias.ToLowerInvariant()} fixes the depth); allowed: one depth.", ModelDepthPath)
                : null,
        };
    }

    /// <summary>The peak learning rate of every strategy (the dense one cleared unless the batch sets it too).</summary>
    public static ConfigEdit LrMax(double lrMax) =>
        new(LrMaxPath, c => c with { Training = c.Training.WithLrMax(lrMax) }) { Derives = true };

    /// <summary>
    /// <paramref name="config"/> with <paramref name="edits"/> applied as one batch: the edits that derive other fields
    /// first, then the rest, each group in the order given; then each edit's <see cref="Requires"/> is checked. Not validated.
    /// </summary>
    /// <exception cref="ArgumentException">An edit does not fit the config; ParamName is the field's JSON path.</exception>
    public static ExperimentConfig ApplyAll(ExperimentConfig config, IEnumerable<ConfigEdit> edits)
    {
        var list = edits.ToList();
        var result = list.Where(e => e.Derives).Concat(list.Where(e => !e.Derives)).Aggregate(config, (c, e) => e.Change(c));
        foreach (var edit in list)
            if (edit.Requires?.Invoke(result) is { } error) throw error;
        return result;
    }
}
