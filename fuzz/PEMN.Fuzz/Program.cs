using PEMN.Fuzz;
using SharpFuzz;

// The fuzz harness (fuzz/README.md):
//   fuzz TARGET            under afl-fuzz: SharpFuzz's fork server feeds inputs to the target's contract
//   check TARGET FILE...   runs files through the contract without AFL (crash triage, the memory-capped tests)
//   allocate MIB           allocates and touches MIB mebibytes (the capped tests' proof that the cap bites)
//   list                   the targets and what they read
const int Ok = 0, Finding = 1, Usage = 2;
const int BytesPerMebibyte = 1 << 20;

switch (args)
{
    case ["fuzz", var name]:
    {
        var target = FuzzTargets.Get(name);
        // In process (SharpFuzz's persistent fork server): its out-of-process mode lost its worker on the targets that load
        // libtorch (config validation builds the model). A stack overflow still ends the process, which AFL records as a crash.
        Fuzzer.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target.Run(buffer.ToArray());
        });
        return Ok;
    }
    case ["check", var name, .. var files] when files.Length > 0:
    {
        var target = FuzzTargets.Get(name);
        var status = Ok;
        foreach (var file in files)
        {
            try
            {
                Console.WriteLine(target.Run(File.ReadAllBytes(file), out var refusal) ? $"{file}: parsed" : $"{file}: refused: {refusal!.Message}");
            }
            catch (Exception e)
            {
                Console.WriteLine($"{file}: FINDING: {e.GetType().FullName}: {e.Message}");
                Console.WriteLine(e.StackTrace);
                status = Finding;
            }
        }
        return status;
    }
    case ["allocate", var text] when long.TryParse(text, out var mebibytes):
    {
        var block = new byte[mebibytes * BytesPerMebibyte];
        // Touch every page, so that the memory is really taken and not just reserved.
        for (long i = 0; i < block.LongLength; i += Environment.SystemPageSize) block[i] = 1;
        Console.WriteLine($"allocated {mebibytes} MiB");
        return Ok;
    }
    case ["list"]:
        foreach (var t in FuzzTargets.All) Console.WriteLine($"{t.Name,-13} {t.Reads}; refuses with {string.Join(" or ", t.Documented.Select(d => d.Name))}");
        return Ok;
    default:
        Console.Error.WriteLine("usage: PEMN.Fuzz fuzz TARGET | check TARGET FILE... | allocate MIB | list");
        Console.Error.WriteLine($"targets: {string.Join(", ", FuzzTargets.All.Select(t => t.Name))}");
        return Usage;
}
