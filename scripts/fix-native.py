#!/usr/bin/env python3
"""Make TorchSharp's native wrapper load on systems whose libstdc++ predates GCC 13.

libLibTorchSharp.so asks for GLIBCXX_3.4.32 only for std::ios_base_library_init(), a marker symbol
that GCC 13's <iostream> references and never calls. Debian 12 / Ubuntu 22.04 ship GCC 12's
libstdc++, which lacks that version, so the loader refuses the library. Marking that one version
need WEAK (bit 0x2 of vna_flags in .gnu.version_r) lets the stock binary load; nothing else changes.

Usage: fix-native.py [--status] PATH [PATH ...]   (files, or folders searched for libLibTorchSharp.so)
Idempotent; does nothing where the system libstdc++ already provides GLIBCXX_3.4.32.
--status: print one line instead of one per edit: "not-needed" (the system libstdc++ has the version), or
"PATCHED ALREADY" (copies marked now, copies found marked already), for scripts/setup.sh to report.
"""
import glob
import os
import struct
import sys

VERSION = b"GLIBCXX_3.4.32"
TARGET = "libLibTorchSharp.so"
SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def system_has_version() -> bool:
    candidates = glob.glob("/usr/lib/*/libstdc++.so.6") + glob.glob("/usr/lib64/libstdc++.so.6") \
        + glob.glob("/lib/*/libstdc++.so.6")
    for path in candidates:
        with open(os.path.realpath(path), "rb") as f:
            if VERSION + b"\0" in f.read():
                return True
    return False


def patch(path: str) -> str:
    """Returns 'patched', 'already' or 'absent' (the file does not need the version)."""
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise SystemExit(f"fix-native: {path} is not a little-endian 64-bit ELF file")
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
        verneed = [s for s in sections if s[1] == SHT_GNU_VERNEED]
        if not verneed:
            return "absent"
        _, _, _, _, off, _, link, info, _, _ = verneed[0]
        stroff = sections[link][4]
        result = "absent"
        pos = off
        for _ in range(info):
            _, cnt, _, aux, nxt = struct.unpack_from("<HHIII", data, pos)
            apos = pos + aux
            for _ in range(cnt):
                _, flags, _, name, anext = struct.unpack_from("<IHHII", data, apos)
                end = data.index(b"\0", stroff + name)
                if bytes(data[stroff + name:end]) == VERSION:
                    if flags & VER_FLG_WEAK:
                        result = "already"
                    else:
                        struct.pack_into("<H", data, apos + 4, flags | VER_FLG_WEAK)
                        f.seek(apos + 4)
                        f.write(struct.pack("<H", flags | VER_FLG_WEAK))
                        result = "patched"
                apos += anext
            if nxt == 0:
                break
            pos += nxt
        return result


def main(args: list[str]) -> int:
    status = "--status" in args
    args = [a for a in args if a != "--status"]
    if not args:
        print(__doc__)
        return 2
    if system_has_version():
        if status:
            print("not-needed")
        return 0
    counts = {"patched": 0, "already": 0, "absent": 0}
    for root in args:
        files = [root] if os.path.isfile(root) else glob.glob(os.path.join(root, "**", TARGET), recursive=True)
        for path in files:
            result = patch(path)
            counts[result] += 1
            if result == "patched" and not status:
                print(f"fix-native: marked {VERSION.decode()} weak in {path}")
    if status:
        print(counts["patched"], counts["already"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
