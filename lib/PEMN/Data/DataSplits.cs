namespace PEMN.Data;

/// <summary>A data set's training and test splits and the folder they were read from.</summary>
/// <param name="Name">Which data set.</param>
/// <param name="Train">The training split.</param>
/// <param name="Test">The test split (Tiny-ImageNet: the labelled validation split).</param>
/// <param name="Folder">Where the files were found.</param>
public sealed record DataSplits(DataSetName Name, ImageDataSet Train, ImageDataSet Test, string Folder)
{
    /// <summary>The normalisation constants of this data set.</summary>
    public Normalization Normalization => DataSetCatalog.Get(Name).Normalization!;
}
