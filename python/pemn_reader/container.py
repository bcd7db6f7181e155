"""The .pemn container (lib/PEMN/FileFormat/FileFormat.md, versions 1 and 2) parsed into plain Python objects.

Checks in the order the specification gives: magic, version, declared length, SHA-256, table of contents, then each
section field by field, each consumed exactly. Nothing here draws or tiles values (weights.py does): a file is first
proven well-formed. Every error names the file, the section and field, and what was expected.
"""

import hashlib
import json
import math
import struct
from dataclasses import dataclass, field
from typing import List, Optional

import numpy as np

from . import masks
from .errors import PemnFormatError

MAGIC = b"\x89PEMN\r\n\x1a"            # PNG-style signature: high bit, CR LF, DOS end-of-file
HEADER_BYTES = 24
TOC_ENTRY_BYTES = 20
CHECKSUM_BYTES = 32
SECTIONS = {1: 5, 2: 6}                # version -> section count
SECTION_NAMES = {1: "Config", 2: "Values", 3: "Layers", 4: "Permutations", 5: "Tensors", 6: "SparseLayers"}
MAX_RANK = 8
MAX_ELEMENTS = 1 << 28                 # the reference reader's default element limit (PemnLimits)
STORED, REGENERATED = 1, 2             # prototype sources
FLOAT32, INT64 = 1, 2                  # tensor dtypes
VALUE_GENERATORS = (1, 2)              # 1 Kaiming normal, 2 signed constant, both drawn by libtorch
PERMUTATION_GENERATORS = (1, 2)        # 1 SplitMix64 Fisher-Yates (specified), 2 torch.randperm (not)


@dataclass
class Prototype:
    length: int
    tiled_length: int
    values: Optional[np.ndarray]       # float32[length] when stored
    generator: Optional[int] = None    # the recipe, when regenerated
    seed: Optional[int] = None
    shape: Optional[List[int]] = None
    sha256: Optional[bytes] = None


@dataclass
class Layer:
    path: str
    shape: List[int]
    prototype: int
    offset: int
    scale: np.float32
    mask: np.ndarray                   # bool[n], row-major


@dataclass
class Permutation:
    prototype: int
    generator: int
    seed: int
    length: int
    sha256: bytes


@dataclass
class Tensor:
    name: str
    data: np.ndarray                   # float32 or int64, in its shape


@dataclass
class SparseLayer:
    path: str
    shape: List[int]
    mask: np.ndarray
    values: np.ndarray                 # float32[kept], the weights at the kept entries in row-major order


@dataclass
class PemnFile:
    path: str
    version: int
    config: dict
    prototypes: List[Prototype] = field(default_factory=list)
    layers: List[Layer] = field(default_factory=list)
    permutations: List[Permutation] = field(default_factory=list)
    tensors: List[Tensor] = field(default_factory=list)
    sparse_layers: List[SparseLayer] = field(default_factory=list)


class _Cursor:
    """Reads little-endian fields inside one section; running past its end is 'truncated'."""

    def __init__(self, data, start, end, path, section):
        self.data, self.pos, self.end, self.path, self.section = data, start, end, path, section

    def fail(self, where, message):
        return PemnFormatError(self.path, f"{self.section}: {where} (byte {self.pos})", message)

    def take(self, n, where):
        if n < 0 or n > self.end - self.pos:
            raise self.fail(where, f"truncated: needs {n} bytes, the section has {self.end - self.pos} left")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def unpack(self, fmt, where):
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt), where))[0]

    def u8(self, where): return self.unpack("B", where)
    def u16(self, where): return self.unpack("H", where)
    def u32(self, where): return self.unpack("I", where)
    def u64(self, where): return self.unpack("Q", where)

    def f32(self, where):
        return np.frombuffer(self.take(4, where), dtype="<f4")[0]

    def array(self, dtype, count, where):
        size = np.dtype(dtype).itemsize
        if count > (self.end - self.pos) // size:
            raise self.fail(where, f"{count} elements of {size} bytes do not fit in the {self.end - self.pos} bytes left")
        return np.frombuffer(self.take(count * size, where), dtype=dtype).astype(dtype.lstrip("<"))

    def string(self, where):
        b = self.take(self.u16(where + " length"), where)
        if not b:
            raise self.fail(where, "a string is non-empty")
        try:
            return b.decode("utf-8", errors="strict")
        except UnicodeDecodeError as e:
            raise self.fail(where, f"not valid UTF-8 ({e})")

    def shape(self, where, min_rank, min_dim):
        rank = self.u8(where + " rank")
        if not (min_rank <= rank <= MAX_RANK):
            raise self.fail(where, f"rank {rank} is outside [{min_rank}, {MAX_RANK}]")
        dims = [self.unpack("q", f"{where} dimension {d}") for d in range(rank)]
        for d, size in enumerate(dims):
            if size < min_dim:
                raise self.fail(where, f"dimension {d} is {size}, below {min_dim}")
        elements = math.prod(dims)
        if elements > MAX_ELEMENTS:
            raise self.fail(where, f"the shape {dims} has {elements} elements, more than the limit {MAX_ELEMENTS}")
        return dims, elements

    def count(self, where, smallest_entry):
        n = self.u32(where)
        if n > (self.end - self.pos) // smallest_entry:
            raise self.fail(where, f"{n} entries of at least {smallest_entry} bytes do not fit in the {self.end - self.pos} bytes left")
        return n

    def done(self):
        if self.pos != self.end:
            raise self.fail("end", f"trailing bytes: {self.end - self.pos} bytes follow the section's last field")


def read(path):
    """Parses and validates the file at `path`; returns a PemnFile (nothing regenerated yet)."""
    with open(path, "rb") as f:
        data = f.read()
    return parse(data, str(path))


def parse(data, path="<bytes>"):
    if len(data) < len(MAGIC) or data[:len(MAGIC)] != MAGIC:
        raise PemnFormatError(path, "header magic", f"not a .pemn file: expected the magic {MAGIC.hex().upper()}, found {data[:len(MAGIC)].hex().upper()}")
    if len(data) < HEADER_BYTES + CHECKSUM_BYTES:
        raise PemnFormatError(path, "header", f"truncated: {len(data)} bytes cannot hold the header and the checksum")
    version, section_count, declared = struct.unpack_from("<IIQ", data, len(MAGIC))
    if version not in SECTIONS:
        raise PemnFormatError(path, "header version", f"format version {version}; this reader reads versions {sorted(SECTIONS)}")
    if declared != len(data):
        raise PemnFormatError(path, "header fileLength", f"declares {declared} bytes, the file has {len(data)} ({'truncated' if declared > len(data) else 'trailing bytes'})")
    content_end = len(data) - CHECKSUM_BYTES
    digest = hashlib.sha256(data[:content_end]).digest()
    if digest != data[content_end:]:
        raise PemnFormatError(path, "checksum", f"the SHA-256 of bytes 0..{content_end - 1} is {digest.hex()}, the file stores {data[content_end:].hex()}: the file is damaged")
    expected_sections = SECTIONS[version]
    if section_count != expected_sections:
        raise PemnFormatError(path, "header sectionCount", f"a version-{version} file has {expected_sections} sections, this one declares {section_count}")

    sections, offset = [], HEADER_BYTES + TOC_ENTRY_BYTES * expected_sections
    for i in range(expected_sections):
        kind, start, length = struct.unpack_from("<IQQ", data, HEADER_BYTES + TOC_ENTRY_BYTES * i)
        if kind != i + 1 or start != offset or length > content_end - start:
            raise PemnFormatError(path, f"table of contents entry {i}",
                                  f"expected kind {i + 1} at byte {offset} within the file, found kind {kind} at byte {start}, {length} bytes")
        sections.append((kind, start, start + length))
        offset += length
    if offset != content_end:
        raise PemnFormatError(path, "table of contents", f"the sections end at byte {offset}, the checksum starts at byte {content_end}")

    result = PemnFile(path, version, {})
    for kind, start, end in sections:
        c = _Cursor(data, start, end, path, SECTION_NAMES[kind])
        [_config, _values, _layers, _permutations, _tensors, _sparse][kind - 1](c, result)
        c.done()
    return result


def _config(c, f):
    text = c.take(c.end - c.pos, "config")
    try:
        f.config = json.loads(text.decode("utf-8", errors="strict"))
    except (UnicodeDecodeError, ValueError) as e:
        raise c.fail("config", f"not UTF-8 JSON ({e})")
    if not isinstance(f.config, dict):
        raise c.fail("config", f"a JSON object is expected, found {type(f.config).__name__}")


def _values(c, f):
    for i in range(c.count("prototype count", 21)):
        where = f"prototype {i}"
        source = c.u8(where + " source")
        length, tiled = c.u64(where + " length"), c.u64(where + " tiled length")
        if not (1 <= length <= tiled <= MAX_ELEMENTS):
            raise c.fail(where, f"length {length} and tiled length {tiled}: expected 1 <= length <= tiled length <= {MAX_ELEMENTS}")
        if source == STORED:
            values = c.array("<f4", length, where + " values")
            if not np.isfinite(values).all():
                raise c.fail(where, "stored random values are finite")
            f.prototypes.append(Prototype(length, tiled, values))
        elif source == REGENERATED:
            generator, seed = c.u32(where + " generator"), c.u64(where + " seed")
            if generator not in VALUE_GENERATORS:
                raise c.fail(where, f"value generator {generator} is unknown; known: {VALUE_GENERATORS}")
            shape, drawn = c.shape(where + " recipe shape", 1, 1)
            if length > drawn:
                raise c.fail(where, f"length {length} is more than the {drawn} values the recipe draws")
            f.prototypes.append(Prototype(length, tiled, None, generator, seed, shape, c.take(32, where + " sha256")))
        else:
            raise c.fail(where, f"source {source} is neither {STORED} (stored) nor {REGENERATED} (regenerated)")


def _mask(c, where, shape, n):
    coding = c.u8(where + " coding")
    payload = c.take(c.u64(where + " payload length"), where + " payload")
    try:
        return masks.decode(coding, payload, n, shape)
    except ValueError as e:
        raise c.fail(where + " mask", str(e))


def _layers(c, f):
    for i in range(c.count("layer count", 46)):
        path = c.string(f"layer {i} path")
        where = f"layer {i} ('{path}')"
        if any(l.path == path for l in f.layers):
            raise c.fail(where, "the path appears twice")
        shape, n = c.shape(where + " shape", 1, 1)
        prototype, offset = c.u32(where + " prototype"), c.u64(where + " offset")
        scale, kept = c.f32(where + " scale"), c.u64(where + " kept")
        if prototype >= len(f.prototypes):
            raise c.fail(where, f"prototype index {prototype} is outside [0, {len(f.prototypes)})")
        if offset + n > f.prototypes[prototype].tiled_length:
            raise c.fail(where, f"offset {offset} + {n} weights runs past the {f.prototypes[prototype].tiled_length} values of prototype {prototype}")
        if not (np.isfinite(scale) and scale > 0):
            raise c.fail(where, f"scale {scale} is not a finite positive number")
        mask = _mask(c, where, shape, n)
        if int(mask.sum()) != kept:
            raise c.fail(where, f"declares {kept} kept entries, its mask keeps {int(mask.sum())}")
        f.layers.append(Layer(path, shape, prototype, offset, scale, mask))


def _permutations(c, f):
    previous = -1
    for i in range(c.count("permutation count", 56)):
        where = f"permutation {i}"
        p = Permutation(c.u32(where + " prototype"), c.u32(where + " generator"), c.u64(where + " seed"),
                        c.u64(where + " length"), c.take(32, where + " sha256"))
        if not (previous < p.prototype < len(f.prototypes)):
            raise c.fail(where, f"prototype {p.prototype}: expected ascending indices in [0, {len(f.prototypes)}), after {previous}")
        if p.generator not in PERMUTATION_GENERATORS:
            raise c.fail(where, f"permutation generator {p.generator} is unknown; known: {PERMUTATION_GENERATORS}")
        if p.length != f.prototypes[p.prototype].tiled_length:
            raise c.fail(where, f"length {p.length} differs from the tiled length {f.prototypes[p.prototype].tiled_length} of prototype {p.prototype}")
        previous = p.prototype
        f.permutations.append(p)


def _tensors(c, f):
    for i in range(c.count("tensor count", 9)):
        name = c.string(f"tensor {i} name")
        where = f"tensor {i} ('{name}')"
        if any(t.name == name for t in f.tensors):
            raise c.fail(where, "the name appears twice")
        dtype = c.u8(where + " dtype")
        if dtype not in (FLOAT32, INT64):
            raise c.fail(where, f"dtype {dtype} is neither {FLOAT32} (float32) nor {INT64} (int64)")
        shape, n = c.shape(where + " shape", 0, 0)
        data = c.array("<f4" if dtype == FLOAT32 else "<i8", n, where + " data")
        f.tensors.append(Tensor(name, data.reshape(shape)))


def _sparse(c, f):
    count = c.count("sparse layer count", 30)
    if count == 0:
        raise c.fail("sparse layer count", "a version-2 file holds at least one sparse layer")
    for i in range(count):
        path = c.string(f"sparse layer {i} path")
        where = f"sparse layer {i} ('{path}')"
        if any(l.path == path for l in f.layers + f.sparse_layers):
            raise c.fail(where, "the path appears twice (masked and sparse layers share one name space)")
        shape, n = c.shape(where + " shape", 1, 1)
        kept = c.u64(where + " kept")
        mask = _mask(c, where, shape, n)
        if int(mask.sum()) != kept:
            raise c.fail(where, f"declares {kept} kept entries, its mask keeps {int(mask.sum())}")
        f.sparse_layers.append(SparseLayer(path, shape, mask, c.array("<f4", kept, where + " values")))
