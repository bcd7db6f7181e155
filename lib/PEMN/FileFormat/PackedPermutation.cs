using PEMN.Runtime;

namespace PEMN.FileFormat;

/// <summary>Generators of the RP 'rand' permutation (FileFormat.md, "Permutation generators").</summary>
public enum PermutationGenerator : uint
{
    /// <summary>SplitMix64 + Lemire bounded integers + Fisher-Yates, specified in FileFormat.md (<see cref="SeededPermutation"/>).</summary>
    SplitMix64FisherYates = 1,
    /// <summary>torch.randperm(n, generator = Generator(seed)) on the CPU: unspecified, for networks trained before generator 1 existed.</summary>
    TorchRandperm = 2,
}

/// <summary>
/// The RP 'rand' permutation of one prototype's tiled vector: V[j] = T[perm[j]], perm drawn by
/// <see cref="Generator"/> from <see cref="Seed"/> over <see cref="Length"/> = the prototype's tiled length.
/// </summary>
/// <param name="Prototype">Index of the prototype it permutes.</param>
/// <param name="Generator">The permutation generator.</param>
/// <param name="Seed">Its seed (already derived).</param>
/// <param name="Length">n, the tiled length.</param>
/// <param name="Sha256">SHA-256 of perm as int64 little-endian (<see cref="PemnDigest.Of(ReadOnlySpan{long})"/>).</param>
public sealed record PackedPermutation(int Prototype, PermutationGenerator Generator, ulong Seed, long Length, byte[] Sha256);
