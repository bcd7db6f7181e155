"""The two mask codings of FileFormat.md section 9: bitmap (9.1) and the context-coded range coder (9.2).

Each decoder returns a bool array of n entries in row-major order, or raises ValueError saying why the payload is
not a valid (canonical) encoding; the caller adds the file and the layer. lib/PEMN/FileFormat/MaskCoder.cs is the
other implementation; all arithmetic here is on integers, so both decode the same bytes to the same mask.
"""

import numpy as np

BITMAP, CONTEXT_CODED = 1, 2

PROBABILITY_BITS = 12                 # probabilities are fractions of 2^12
PROBABILITY_ONE = 1 << PROBABILITY_BITS
MIN_PROBABILITY = 4                   # the model's clamp: no entry costs less than -log2(1 - 4/4096) bits
MAX_PROBABILITY = PROBABILITY_ONE - MIN_PROBABILITY
COUNT_LIMIT = 4096                    # a context's counts are halved when they sum to this
BUCKETS = 10                          # density buckets: 0 = nothing seen, 1 + thresholds reached
THRESHOLDS = (4, 16, 40, 90, 166, 216, 240, 252)   # in 256ths of density
THRESHOLD_SCALE = 256
MAX_ENTRIES_PER_PAYLOAD_BYTE = 5680   # the most entries one payload byte can carry (section 9.2)
CODER_OVERHEAD_BYTES = 5              # the leading 0 byte and the 4 code bytes
TOP = 1 << 24                         # the range is renormalised below 2^24
UINT32 = 0xFFFFFFFF


def row_length(shape):
    """R: the product of the dimensions after the first (rank >= 2), the length itself for rank 1; at least 1."""
    if len(shape) == 1:
        return max(1, shape[0])
    r = 1
    for d in shape[1:]:
        r *= d
    return max(1, r)


def decode(coding, payload, n, shape):
    if coding == BITMAP:
        return decode_bitmap(payload, n)
    if coding == CONTEXT_CODED:
        return decode_context(payload, n, row_length(shape))
    raise ValueError(f"mask coding {coding} is neither {BITMAP} (bitmap) nor {CONTEXT_CODED} (context-coded)")


def decode_bitmap(payload, n):
    """Entry i is bit (i mod 8) of byte i // 8, least significant first; the padding bits must be 0."""
    need = (n + 7) // 8
    if len(payload) != need:
        raise ValueError(f"{n} entries need {need} bitmap bytes, the payload has {len(payload)}")
    bits = np.unpackbits(np.frombuffer(payload, dtype=np.uint8), bitorder="little")
    if bits[n:].any():
        raise ValueError(f"bits past entry {n} in the last byte are set; they must be 0")
    return bits[:n].astype(bool)


def bucket(ones, seen):
    """0 when nothing was seen, else 1 + the thresholds t with 256 (2 ones + 1) >= t (2 seen + 2)."""
    if seen == 0:
        return 0
    estimate = THRESHOLD_SCALE * (2 * ones + 1)
    b = 1
    for t in THRESHOLDS:
        if estimate < t * (2 * seen + 2):
            break
        b += 1
    return b


def decode_context(payload, n, row_len):
    """The range decoder of section 9.2 with its context model, checks marked 'must' included."""
    if len(payload) < CODER_OVERHEAD_BYTES:
        raise ValueError(f"a context-coded payload has at least {CODER_OVERHEAD_BYTES} bytes, this one {len(payload)}")
    if n > MAX_ENTRIES_PER_PAYLOAD_BYTE * len(payload):
        raise ValueError(f"{n} entries cannot fit in {len(payload)} bytes (at most {MAX_ENTRIES_PER_PAYLOAD_BYTE} per byte)")
    if payload[0] != 0:
        raise ValueError(f"the first byte of a range-coded payload is 0, this one 0x{payload[0]:02X}")
    code = int.from_bytes(payload[1:5], "big")
    if code == UINT32:
        raise ValueError("the initial code 0xFFFFFFFF is outside the coder's range")
    rng, pos = UINT32, CODER_OVERHEAD_BYTES
    zeros, ones = [0] * (BUCKETS * BUCKETS), [0] * (BUCKETS * BUCKETS)
    column_ones = [0] * row_len
    row = col = row_ones = 0
    out = np.zeros(n, dtype=bool)
    for i in range(n):
        ctx = BUCKETS * bucket(row_ones, col) + bucket(column_ones[col], row)
        n0, n1 = zeros[ctx], ones[ctx]
        p0 = min(max(PROBABILITY_ONE * (2 * n0 + 1) // (2 * (n0 + n1) + 2), MIN_PROBABILITY), MAX_PROBABILITY)
        bound = (rng >> PROBABILITY_BITS) * p0
        if code < bound:
            rng = bound
            zeros[ctx] += 1
        else:
            code -= bound
            rng -= bound
            out[i] = True
            ones[ctx] += 1
            row_ones += 1
            column_ones[col] += 1
        if zeros[ctx] + ones[ctx] >= COUNT_LIMIT:
            zeros[ctx], ones[ctx] = (zeros[ctx] + 1) >> 1, (ones[ctx] + 1) >> 1
        col += 1
        if col == row_len:
            col, row_ones, row = 0, 0, row + 1
        while rng < TOP:
            if pos >= len(payload):
                raise ValueError(f"the payload ends after {len(payload)} bytes, at entry {i} of {n}")
            rng = (rng << 8) & UINT32
            code = ((code << 8) | payload[pos]) & UINT32
            pos += 1
    if pos != len(payload):
        raise ValueError(f"{n} entries end after {pos} bytes of the {len(payload)}-byte payload")
    if code != 0:
        raise ValueError(f"the final code is 0x{code:08X}, not 0: the payload is not the encoding of any mask")
    return out
