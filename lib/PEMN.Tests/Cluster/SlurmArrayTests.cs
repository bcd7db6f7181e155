using PEMN.Cluster;

namespace PEMN.Tests.Cluster;

public class SlurmArrayTests
{
    [Fact]
    public void TheArraySpecListsIndicesAsRangesRelativeToTheOffsetWithTheThrottle()
    {
        Assert.Equal("0-3", new SlurmArray(0, [0, 1, 2, 3]).Spec());
        Assert.Equal("0,2-4,7%2", new SlurmArray(10, [10, 12, 13, 14, 17]).Spec(throttle: 2));
        Assert.Equal("0", new SlurmArray(5, [5]).Spec());
    }

    [Fact]
    public void APlanLargerThanMaxArraySizeIsCutSoThatEveryIndexStaysBelowIt()
    {
        var points = Enumerable.Range(0, 2500).Where(i => i % 3 != 0).ToList();
        var arrays = SlurmArray.Cut(points, maxArraySize: 1000);
        Assert.Equal(points, arrays.SelectMany(a => a.Points));
        Assert.All(arrays, a => Assert.All(a.Points, p => Assert.InRange(p - a.Offset, 0, 999)));
        Assert.Equal([1, 1001, 2002], arrays.Select(a => a.Offset));
        Assert.Equal([new SlurmArray(3, [3, 4]), new SlurmArray(9, [9])],
            SlurmArray.Cut([9, 3, 4, 3], maxArraySize: 5).Select(a => a with { Points = [.. a.Points] }).ToList(), new ArrayComparer());
        Assert.Empty(SlurmArray.Cut([], 10));
    }

    private sealed class ArrayComparer : IEqualityComparer<SlurmArray>
    {
        public bool Equals(SlurmArray? a, SlurmArray? b) => a!.Offset == b!.Offset && a.Points.SequenceEqual(b.Points);
        public int GetHashCode(SlurmArray a) => a.Offset;
    }

    [Theory]
    [InlineData("time", "2 hours")]
    [InlineData("partition", "gpu a100")]
    [InlineData("mem_per_cpu", "lots")]
    [InlineData("cpus_per_task", "0")]
    [InlineData("throttle", "0")]
    [InlineData("extra", "--qos long")]
    public void BadSettingsAreNamed(string field, string value)
    {
        var settings = field switch
        {
            "time" => new SlurmSettings(Time: value),
            "partition" => new SlurmSettings(Partition: value),
            "mem_per_cpu" => new SlurmSettings(MemPerCpu: value),
            "cpus_per_task" => new SlurmSettings(CpusPerTask: int.Parse(value)),
            "throttle" => new SlurmSettings(Throttle: int.Parse(value)),
            _ => new SlurmSettings(Extra: [value]),
        };
        var e = Assert.ThrowsAny<ArgumentException>(() => settings.Validate());
        Assert.Equal(field, e.ParamName);
        Assert.Contains(value, e.Message);
        Assert.Contains("allowed", e.Message);
    }

    [Fact]
    public void GoodSettingsBecomeSbatchDirectives()
    {
        var settings = new SlurmSettings("gpu", "1-00:00", 8, 1, "4G", "lab", Extra: ["--qos=long", "--exclusive"]).Validate();
        Assert.Equal(["--partition=gpu", "--account=lab", "--time=1-00:00", "--cpus-per-task=8", "--gpus-per-task=1", "--mem-per-cpu=4G", "--qos=long", "--exclusive"],
            settings.Directives());
        foreach (var time in new[] { "90", "30:00", "2:00:00", "1-12", "1-12:30", "1-12:30:00" }) new SlurmSettings(Time: time).Validate();
    }
}
