using PEMN.Runtime;

namespace PEMN.Masking;

/// <summary>How the frozen random weights of a masked layer are drawn.</summary>
public enum WeightInit
{
    /// <summary>Kaiming normal, fan_in, ReLU gain: N(0, 2 / fan_in). The paper's default.</summary>
    KaimingNormal,
    /// <summary>edge-popup's signed constant: every weight is +-sigma of Kaiming normal, random sign.</summary>
    SignedConstant,
}

/// <summary>Whether BatchNorm (and LayerNorm) layers carry learnable affine parameters.</summary>
public enum NormMode
{
    /// <summary>Learnable affine parameters: the PEMN authors' default ("learn").</summary>
    [Name("learnable", Aliases = ["learn"])]
    Learnable,
    /// <summary>No affine parameters: edge-popup's choice ("not-learn").</summary>
    [Name("non_affine", Aliases = ["not-learn"])]
    NonAffine,
}

/// <summary>Settings shared by every masked layer of a model, validated once.</summary>
/// <param name="KeepFraction">k: the fraction of each layer's weights the mask keeps, in (0, 1].</param>
/// <param name="WeightInit">How the frozen random weights are drawn.</param>
/// <param name="Norm">Affine or non-affine normalisation layers.</param>
public sealed record MaskingOptions(
    double KeepFraction = MaskingOptions.DefaultKeepFraction,
    WeightInit WeightInit = WeightInit.KaimingNormal,
    NormMode Norm = NormMode.Learnable)
{
    /// <summary>The paper's default k: half of every layer kept.</summary>
    public const double DefaultKeepFraction = 0.5;

    /// <summary>Throws when a field is outside its allowed range; returns this for chaining.</summary>
    public MaskingOptions Validate()
    {
        ValidateKeepFraction(KeepFraction);
        if (!Enum.IsDefined(WeightInit)) throw ConfigError.Enum(nameof(WeightInit), WeightInit);
        if (!Enum.IsDefined(Norm)) throw ConfigError.Enum(nameof(Norm), Norm);
        return this;
    }

    /// <summary>Throws unless 0 &lt; k &lt;= 1 and k is finite.</summary>
    public static void ValidateKeepFraction(double k, string name = "keep fraction k")
    {
        if (!double.IsFinite(k) || k <= 0 || k > 1)
            throw new ArgumentOutOfRangeException(name, k, $"{name} = {k} is outside the allowed range (0, 1].");
    }
}
