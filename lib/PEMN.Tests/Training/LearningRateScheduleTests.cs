using PEMN.Training;

namespace PEMN.Tests.Training;

public class LearningRateScheduleTests
{
    private const double LrMax = 0.05;

    [Fact]
    public void PiecewiseBreakpointsAreFlooredToWholeEpochs()
    {
        Assert.Equal([0, 3, 6, 8], LearningRateSchedule.PiecewiseBreakpoints(8));
        Assert.Equal([0, 40, 80, 100], LearningRateSchedule.PiecewiseBreakpoints(100));
        Assert.Equal([0, 0, 1, 2], LearningRateSchedule.PiecewiseBreakpoints(2));
    }

    [Theory]
    [InlineData(3.0, LrMax)]
    [InlineData(6.0, LrMax / 20)]
    [InlineData(8.0, 0.0)]
    [InlineData(1.5, LrMax / 2)]
    [InlineData(4.5, (LrMax + LrMax / 20) / 2)]
    [InlineData(7.0, LrMax / 40)]
    [InlineData(0.0, 0.0)]
    public void PiecewiseEightEpochsHitsKnownValues(double t, double expected) =>
        Assert.Equal(expected, LearningRateSchedule.AtEpoch(ScheduleKind.Piecewise, LrMax, 8, t), 12);

    [Fact]
    public void PiecewiseIsLinearBetweenBreakpoints()
    {
        for (var t = 0.25; t < 8; t += 0.25)
        {
            if (t is 3.0 or 6.0) continue;
            var left = LearningRateSchedule.AtEpoch(ScheduleKind.Piecewise, LrMax, 8, t - 0.125);
            var mid = LearningRateSchedule.AtEpoch(ScheduleKind.Piecewise, LrMax, 8, t);
            var right = LearningRateSchedule.AtEpoch(ScheduleKind.Piecewise, LrMax, 8, t + 0.125);
            Assert.Equal((left + right) / 2, mid, 12);
        }
    }

    [Fact]
    public void StepsAreEvaluatedAtTheEndOfTheirFractionOfAnEpoch()
    {
        // Last step of epoch index 2 (of 10 steps) sits at t = 3: the peak.
        Assert.Equal(LrMax, LearningRateSchedule.At(ScheduleKind.Piecewise, LrMax, 8, 2, 9, 10), 12);
        // First step of the run sits at t = 1/10: lr_max * (0.1 / 3).
        Assert.Equal(LrMax * 0.1 / 3, LearningRateSchedule.At(ScheduleKind.Piecewise, LrMax, 8, 0, 0, 10), 12);
        // The last step of the run ends at t = E: lr 0.
        Assert.Equal(0, LearningRateSchedule.At(ScheduleKind.Piecewise, LrMax, 8, 7, 9, 10), 12);
    }

    [Fact]
    public void ShortRunsFollowNumpyInterpWithRepeatedBreakpoints() =>
        // np.interp(0.5, [0, 0, 1, 2], [0, 1, 0.05, 0]) = 0.525
        Assert.Equal(0.525, LearningRateSchedule.AtEpoch(ScheduleKind.Piecewise, 1, 2, 0.5), 12);

    [Theory]
    [InlineData(0.0, LrMax)]
    [InlineData(4.0, LrMax / 2)]
    [InlineData(8.0, 0.0)]
    public void CosineHitsKnownValues(double t, double expected) =>
        Assert.Equal(expected, LearningRateSchedule.AtEpoch(ScheduleKind.Cosine, LrMax, 8, t), 12);
}
