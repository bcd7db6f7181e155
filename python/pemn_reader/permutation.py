"""Permutation generator 1 of FileFormat.md section 10.2: SplitMix64 + Lemire's bounded integers + Fisher-Yates.

Fully specified integer arithmetic, so it is rebuilt here bit for bit (lib/PEMN/Runtime/SeededPermutation.cs is the
other implementation). Python ints are unbounded: every step is reduced modulo 2^64 explicitly, as C#'s ulong wraps.
"""

import numpy as np

MASK64 = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15          # SplitMix64's increment: the golden ratio in 64-bit fixed point
MIX1, MIX2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
SHIFT1, SHIFT2, SHIFT3 = 30, 27, 31


class SplitMix64:
    """Steele, Lea and Flood's generator; state advances by GAMMA, the output is the mixed state."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + GAMMA) & MASK64
        z = self.state
        z = ((z ^ (z >> SHIFT1)) * MIX1) & MASK64
        z = ((z ^ (z >> SHIFT2)) * MIX2) & MASK64
        return z ^ (z >> SHIFT3)

    def bounded(self, bound):
        """Uniform in [0, bound) (Lemire 2019): high 64 bits of x * bound, redrawn while the low bits fall below 2^64 mod bound."""
        m = self.next() * bound
        if (m & MASK64) < bound:
            threshold = ((1 << 64) - bound) % bound   # 2^64 mod bound (not (-bound) % bound: Python's modulo of a negative is 0 here)
            while (m & MASK64) < threshold:
                m = self.next() * bound
        return m >> 64


def permutation(seed, n):
    """perm = [0 .. n-1]; for i = n-1 down to 1 swap perm[i] with perm[bounded(i + 1)]. Returns int64[n]."""
    perm = list(range(n))
    rng = SplitMix64(seed)
    for i in range(n - 1, 0, -1):
        j = rng.bounded(i + 1)
        perm[i], perm[j] = perm[j], perm[i]
    return np.array(perm, dtype=np.int64)
