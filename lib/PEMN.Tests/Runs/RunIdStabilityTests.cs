using PEMN.Configuration;
using PEMN.Runs;
using PEMN.Runtime;

namespace PEMN.Tests.Runs;

/// <summary>Config fields added later (<see cref="OmittedWhileDefaultAttribute"/>) must leave the committed runs' ids alone.</summary>
public class RunIdStabilityTests
{
    [Fact]
    public void EveryCommittedRunFolderIsStillNamedByItsConfigsRunId()
    {
        var runs = Directory.GetDirectories(Path.Combine(Repository.Find(), "results"), RunsLocation.RunsFolderName, SearchOption.AllDirectories)
            .SelectMany(Directory.GetDirectories)
            .Where(d => File.Exists(Path.Combine(d, ExperimentRunner.ConfigFile)) && !d.Contains($"{Path.DirectorySeparatorChar}smoke{Path.DirectorySeparatorChar}"))
            .ToList();
        Assert.NotEmpty(runs); // results/strategy-ladder/quick/runs is committed
        Assert.All(runs, d => Assert.Equal(Path.GetFileName(d), ExperimentJson.RunId(ExperimentJson.Load(Path.Combine(d, ExperimentRunner.ConfigFile)))));
    }
}
