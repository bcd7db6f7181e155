using System.Text.Json.Nodes;
using PEMN.Configuration;
using PEMN.Runs;
using PEMN.Sweeps;
using PEMN.Tests.Cli;

namespace PEMN.Tests.Runs;

/// <summary>
/// Many processes, one plan: real <c>pemn</c> processes started together on the same output folder and table, two sweeps
/// of the same grid, a train of one of the grid's points and a train of a config outside it. Whatever the timing, every
/// run ends in the table exactly once and is trained by exactly one process (the others skip it or wait for it).
/// This is the ground a <c>--workers N</c> or a scheduler's job array stands on.
/// </summary>
public class ConcurrentRunsTests : IDisposable
{
    /// <summary>Repetitions: each starts four processes on a fresh folder, so races get several chances to show.</summary>
    private const int Repetitions = 2;
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(3);
    private static readonly long[] GridSeeds = [0, 1, 2];
    private const long OutsideSeed = 7;
    // Twice smoke's images (256 a class, 2 epochs): each run lasts long enough (about a second) that the processes overlap in it.
    private const int PerClass = 256;

    private readonly string folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "pemn-concurrent-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void ProcessesOnOnePlanAndTableTrainEveryRunOnceAndRecordItOnce()
    {
        var grid = Path.Combine(folder, "grid.json");
        File.WriteAllText(grid, $$"""
            { "preset": "smoke", "base": { "data": { "per_class": {{PerClass}} } }, "grid": { "training.seed": [{{string.Join(", ", GridSeeds)}}] } }
            """);
        var plan = SweepPlan.Load(grid);
        var outside = plan.Runs[0] with { Training = plan.Runs[0].Training with { Seed = OutsideSeed } };
        var expected = plan.Runs.Append(outside).Select(ExperimentJson.RunId).Order(StringComparer.Ordinal).ToList();

        for (var repetition = 0; repetition < Repetitions; repetition++)
        {
            var outDir = Directory.CreateDirectory(Path.Combine(folder, $"r{repetition}")).FullName;
            var csv = Path.Combine(outDir, RunsLocation.TableName);
            string[] Train(long seed) => ["train", "--preset", "smoke", "--per-class", $"{PerClass}", "--seed", $"{seed}", "--out", outDir, "--json"];
            // One process each: the test counts what every process it started did (--workers would start more).
            string[] sweep = ["sweep", "--grid", grid, "--out", csv, "--json", "--workers", "1"];
            var commands = new[] { sweep, sweep, Train(GridSeeds[1]), Train(OutsideSeed) };
            var processes = commands.Select(args => PemnProcess.Start(folder, args)).ToList();
            var results = processes.Select(p => p.Wait(ProcessTimeout)).ToList();
            foreach (var p in processes) p.Dispose();
            for (var i = 0; i < results.Count; i++)
                Assert.True(results[i].Code == 0, $"repetition {repetition}, {string.Join(" ", commands[i])}: exit {results[i].Code}\n{results[i].Error}");

            // What each process did with each run, from its --json line.
            var outcomes = new List<(string RunId, string Outcome, double Best)>();
            foreach (var (code, stdout, _) in results)
            {
                var line = JsonNode.Parse(stdout.Trim().Split('\n')[^1])!;
                if (line["runs"] is JsonArray runs)
                    outcomes.AddRange(runs.Select(r => (r!["run_id"]!.GetValue<string>(), r["status"]!.GetValue<string>(), r["best_test_accuracy"]!.GetValue<double>())));
                else
                    outcomes.Add((line["run_id"]!.GetValue<string>(), line["outcome"]!.GetValue<string>(), line["best_test_accuracy"]!.GetValue<double>()));
            }
            foreach (var id in expected)
            {
                var mine = outcomes.Where(o => o.RunId == id).ToList();
                // Trained by exactly one process, from epoch 0 (nobody resumed a run someone else was training) ...
                Assert.True(mine.Count(o => o.Outcome == "trained") == 1,
                    $"repetition {repetition}, {id}: outcomes {string.Join(", ", mine.Select(o => o.Outcome))}");
                Assert.DoesNotContain(mine, o => o.Outcome is "resumed" or "failed");
                // ... and every process reports the same result for it: the one run's records.
                Assert.Single(mine.Select(o => o.Best).Distinct());
                var history = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, RunsLocation.RunsFolderName, id, ExperimentRunner.HistoryFile)))!.AsArray();
                Assert.Equal([1, 2], history.Select(e => e!["epoch"]!.GetValue<int>()));
            }

            // The table: every run exactly once, nothing else, and no debris of interrupted writes.
            var (header, rows) = RunsCsv.Read(csv);
            Assert.Equal(expected, rows.Select(r => r[RunsCsv.RunIdColumn]).Order(StringComparer.Ordinal));
            Assert.Equal(RunsCsv.RunIdColumn, header[0]);
            Assert.All(rows, r => Assert.NotEqual("", r["best_test_accuracy"]));
            Assert.Empty(Directory.GetFiles(outDir, "*.tmp", SearchOption.AllDirectories));
        }
    }
}
