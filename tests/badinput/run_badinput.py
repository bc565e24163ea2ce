#!/usr/bin/env python3
"""Damaged-input test for `evclass inspect FILE --stats --json`.

Takes real ROOT files, makes deterministic damaged variants of them (truncations, byte flips,
huge or negative length fields, zeroed ranges, and damage inside decompressed objects), runs
evclass on each under a 1 GiB address-space limit and a 10 s timeout, and checks that every run
ends in one of two ways:

  ok     exit 0 and valid JSON on stdout (for a truncated file: the same trees and values as
         the intact file -- a cut file read without error must not give different numbers)
  error  exit 1 and exactly one error on stderr, `evclass: <Kind>: <message>`, with Kind one of
         CorruptFile, Unsupported, IoError, KeyNotFound (lines starting with `warning: ` or
         `note: ` may come before it)

Anything else is a failure: a signal (crash, abort), a timeout, exit 3 (internal error), any other
exit code, an `OutOfMemory` error (under 1 GiB a corrupt length made the reader allocate too
much), invalid JSON, or a malformed error. Failing variants are saved with a reproduction command.

Exit status: 0 all variants passed, 1 some failed, 77 the data folder is absent (ctest SKIP),
2 bad usage. See README.md next to this file.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import random
import re
import resource
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

# Diverse inputs: every codec, old and new ROOT versions, split objects, embedded baskets,
# sub-directories, STL containers, leaf-lists, the 64-bit large-file header, and a fully
# uncompressed file (where flips reach TTree/TBranch/streamer records directly).
DEFAULT_FILES = [
    "uproot-HZZ-zstd.root",                     # zstd baskets, jagged arrays
    "uproot-Zmumu-lz4.root",                    # lz4 + xxhash64, char* strings
    "uproot-sample-5.30.00-lzma.root",          # ROOT 5.30, lzma metadata, every scalar type
    "roottest-Event3a.root",                    # ROOT 3.03, old CS zlib, split objects, TClonesArray
    "uproot-stl_containers.root",               # std::vector/string/map, vector<vector<T>>
    "uproot-nesteddirs.root",                   # sub-directories
    "atlas13TeV_data_A.4lep.root",              # only baskets embedded in the TTree record
    "uproot-issue412.root",                     # large-file header (64-bit seeks), 2.3 MB
    "uproot-sample-6.14.00-uncompressed.root",  # nothing compressed
    "uproot-leaflist.root",                     # leaf-list branch
    "tree_with_jagged_array_double.root",       # lzma baskets
]
MIN_FILES = 5
KNOWN_KINDS = ("CorruptFile", "Unsupported", "IoError", "KeyNotFound")
ERROR_HEADER = re.compile(r"^evclass: ([A-Za-z]+): ")
GOOD_ERROR = re.compile(r"^evclass: (" + "|".join(KNOWN_KINDS) + r"): \S")
CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")
MAX_ERROR_LINES = 60  # "one clear error message": breadcrumbs are fine, a dump of the file is not
MEMORY_LIMIT = 1 << 30

# ---------------------------------------------------------------------------------------------
# A minimal map of a ROOT file: header fields, every record (key) between fBEGIN and fEND, the
# directory key lists. Only used to aim the mutations; errors just make the map smaller.


def be(data: bytes, pos: int, n: int, signed: bool = True) -> int:
    return int.from_bytes(data[pos:pos + n], "big", signed=signed)


@dataclass
class Record:
    pos: int          # file offset of the TKey
    nbytes: int
    keylen: int
    objlen: int
    large: bool       # 64-bit fSeekKey/fSeekPdir
    class_name: str
    name: str

    @property
    def payload(self) -> int:
        return self.pos + self.keylen

    @property
    def end(self) -> int:
        return self.pos + self.nbytes

    @property
    def compressed(self) -> bool:
        return self.objlen != self.nbytes - self.keylen


@dataclass
class Listing:
    """One entry of a directory's key list, pointing at a record."""
    pos: int          # file offset of the listed TKey copy
    large: bool
    seek: int         # its fSeekKey


@dataclass
class FileMap:
    size: int
    large: bool = False
    header_fields: list = field(default_factory=list)  # (offset, width, name)
    records: list = field(default_factory=list)        # [Record]
    listings: list = field(default_factory=list)       # [Listing]
    dir_records: list = field(default_factory=list)    # (offset, large)
    key_lists: list = field(default_factory=list)      # offsets of the directories' key-list records
    seek_info_field: tuple | None = None                # (offset, width) of fSeekInfo
    nbytes_info_field: int | None = None
    end_field: tuple | None = None                      # (offset, width) of fEND
    seek_info: int = 0

    def record_at(self, pos: int) -> Record | None:
        for r in self.records:
            if r.pos == pos:
                return r
        return None

    def record_containing(self, pos: int) -> Record | None:
        for r in self.records:
            if r.pos <= pos < r.end:
                return r
        return None


def read_tstring(data: bytes, pos: int) -> tuple[str, int]:
    n = data[pos]
    pos += 1
    if n == 255:
        n = be(data, pos, 4)
        pos += 4
    return data[pos:pos + n].decode("latin-1"), pos + n


def parse_key(data: bytes, pos: int) -> Record:
    nbytes = be(data, pos, 4)
    version = be(data, pos + 4, 2)
    objlen = be(data, pos + 6, 4)
    keylen = be(data, pos + 14, 2)
    large = version > 1000
    p = pos + 18 + (16 if large else 8)
    cls, p = read_tstring(data, p)
    name, p = read_tstring(data, p)
    return Record(pos, nbytes, keylen, objlen, large, cls, name)


def map_file(data: bytes) -> FileMap:
    m = FileMap(size=len(data))
    if len(data) < 64 or data[:4] != b"root":
        return m
    version = be(data, 4, 4)
    m.large = version >= 1000000
    begin = be(data, 8, 4)
    if m.large:
        names = [(8, 4, "fBEGIN"), (12, 8, "fEND"), (20, 8, "fSeekFree"), (28, 4, "fNbytesFree"), (32, 4, "nfree"),
                 (36, 4, "fNbytesName"), (40, 1, "fUnits"), (41, 4, "fCompress"), (45, 8, "fSeekInfo"),
                 (53, 4, "fNbytesInfo")]
    else:
        names = [(8, 4, "fBEGIN"), (12, 4, "fEND"), (16, 4, "fSeekFree"), (20, 4, "fNbytesFree"), (24, 4, "nfree"),
                 (28, 4, "fNbytesName"), (32, 1, "fUnits"), (33, 4, "fCompress"), (37, 4, "fSeekInfo"),
                 (41, 4, "fNbytesInfo")]
    m.header_fields = names
    fields = {n: (o, w) for o, w, n in names}
    end = be(data, *fields["fEND"])
    m.end_field = fields["fEND"]
    m.seek_info_field = fields["fSeekInfo"]
    m.nbytes_info_field = fields["fNbytesInfo"][0]
    m.seek_info = be(data, *fields["fSeekInfo"])
    nbytes_name = be(data, *fields["fNbytesName"])
    # Every record from fBEGIN to fEND; free gaps have a negative length.
    pos, stop = begin, min(end, len(data))
    try:
        while 0 < pos and pos + 4 <= stop:
            nb = be(data, pos, 4)
            if nb < 0:
                pos += -nb
                continue
            if nb == 0:
                break
            m.records.append(parse_key(data, pos))
            pos += nb
    except (IndexError, UnicodeDecodeError):
        pass
    # The walk stops where ROOT reused freed space without a gap marker; baskets after that
    # point are still found by their class name.
    known = {r.pos for r in m.records}
    for hit in re.finditer(rb"\x07TBasket", data):
        for start, large in ((hit.start() - 34, True), (hit.start() - 26, False)):
            if start < begin or start in known:
                continue
            try:
                r = parse_key(data, start)
            except (IndexError, UnicodeDecodeError):
                continue
            if r.large == large and r.class_name == "TBasket" and 0 < r.keylen < r.nbytes and r.end <= len(data):
                m.records.append(r)
                known.add(start)
    m.records.sort(key=lambda r: r.pos)
    # Directory key lists, from the top directory down.
    try:
        walk_directory(data, m, begin + nbytes_name, 0)
    except (IndexError, ValueError):
        pass
    # Every record something points at is known, even where the walk above did not reach.
    for pos in [li.seek for li in m.listings] + m.key_lists + [m.seek_info]:
        if pos > 0 and pos not in known:
            try:
                r = parse_key(data, pos)
            except (IndexError, UnicodeDecodeError):
                continue
            if 0 < r.keylen <= r.nbytes and r.end <= len(data):
                m.records.append(r)
                known.add(pos)
    m.records.sort(key=lambda r: r.pos)
    return m


def walk_directory(data: bytes, m: FileMap, rec: int, depth: int) -> None:
    if depth > 8:
        return
    version = be(data, rec, 2)
    large = version > 1000
    m.dir_records.append((rec, large))
    nbytes_keys = be(data, rec + 10, 4)
    seek_keys = be(data, rec + 18 + (16 if large else 8), 8 if large else 4)
    if seek_keys <= 0 or seek_keys + nbytes_keys > len(data):
        return
    m.key_lists.append(seek_keys)
    head = parse_key(data, seek_keys)
    p = seek_keys + head.keylen
    nkeys = be(data, p, 4)
    p += 4
    for _ in range(max(0, min(nkeys, 100000))):
        k = parse_key(data, p)
        seek = be(data, p + 18, 8 if k.large else 4)
        m.listings.append(Listing(p, k.large, seek))
        if k.class_name in ("TDirectory", "TDirectoryFile"):
            sub = parse_key(data, seek)
            walk_directory(data, m, seek + sub.keylen, depth + 1)
        p += k.keylen


# ---------------------------------------------------------------------------------------------
# Decompressing an object in Python, so that damage can be put *inside* compressed records
# (TTree, TBranch, streamer infos) that byte flips in the compressed stream never reach.


def decompress_payload(payload: bytes, objlen: int) -> bytes | None:
    out, pos = bytearray(), 0
    while len(out) < objlen:
        if pos + 9 > len(payload):
            return None
        tag = payload[pos:pos + 2]
        csize = int.from_bytes(payload[pos + 3:pos + 6], "little")
        block = payload[pos + 9:pos + 9 + csize]
        try:
            if tag == b"ZL":
                out += zlib.decompress(block)
            elif tag == b"CS":
                out += zlib.decompressobj(-15).decompress(block)
            elif tag == b"XZ":
                out += lzma.decompress(block)
            else:
                return None  # zstd and lz4 have no module in the standard library
        except (zlib.error, lzma.LZMAError):
            return None
        pos += 9 + csize
    return bytes(out) if len(out) == objlen else None


@dataclass
class DeepTarget:
    """A record whose object we can decompress, and where the file points at it."""
    record: Record
    obj: bytes
    pointer: str           # "listing" or "seekinfo"
    listing: Listing | None = None


def deep_targets(data: bytes, m: FileMap) -> list[DeepTarget]:
    out = []
    for li in m.listings:
        r = m.record_at(li.seek)
        if r is None or r.class_name in ("TDirectory", "TDirectoryFile"):
            continue
        obj = object_bytes(data, r)
        if obj is not None:
            out.append(DeepTarget(r, obj, "listing", li))
    r = m.record_at(m.seek_info)
    if r is not None:
        obj = object_bytes(data, r)
        if obj is not None:
            out.append(DeepTarget(r, obj, "seekinfo"))
    return out


def object_bytes(data: bytes, r: Record) -> bytes | None:
    if r.end > len(data) or r.objlen <= 0:
        return None
    payload = data[r.payload:r.end]
    if not r.compressed:
        return payload
    return decompress_payload(payload, r.objlen)


def relocate(data: bytes, m: FileMap, t: DeepTarget, obj: bytes) -> bytearray:
    """Appends `obj` uncompressed, under a copy of its key, at the end of the file, and points the
    directory listing (or fSeekInfo) at the copy. The original record stays where it was."""
    r = t.record
    out = bytearray(data)
    new_pos = len(out)
    key = bytearray(data[r.pos:r.payload])
    key[0:4] = struct.pack(">i", r.keylen + len(obj))
    key[6:10] = struct.pack(">i", len(obj))
    key[18:18 + (8 if r.large else 4)] = new_pos.to_bytes(8 if r.large else 4, "big")
    out += key + obj
    if t.pointer == "listing":
        li = t.listing
        out[li.pos:li.pos + 4] = struct.pack(">i", r.keylen + len(obj))
        out[li.pos + 6:li.pos + 10] = struct.pack(">i", len(obj))
        out[li.pos + 18:li.pos + 18 + (8 if li.large else 4)] = new_pos.to_bytes(8 if li.large else 4, "big")
    else:
        off, width = m.seek_info_field
        out[off:off + width] = new_pos.to_bytes(width, "big")
        out[m.nbytes_info_field:m.nbytes_info_field + 4] = struct.pack(">i", r.keylen + len(obj))
    off, width = m.end_field
    out[off:off + width] = len(out).to_bytes(width, "big")
    return out


# ---------------------------------------------------------------------------------------------
# Mutations. Each variant gets its own random.Random seeded from (seed, file, index), so any
# single variant can be regenerated without the others.

HUGE_VALUES = [0x7FFFFFFF, 0xFFFFFFFF, 0x80000000, 0x7FFFFFF0, 0x4FFFFFFF, 0x40FFFFFF, 0x10000000, 0x01000000,
               0x00FFFFFF, 0xFFFFFFF0, 0xFFFF0000, 0x3FFFFFFF]


def huge_value(rng: random.Random) -> int:
    if rng.random() < 0.7:
        return rng.choice(HUGE_VALUES)
    if rng.random() < 0.5:
        return rng.randrange(1 << 24, 1 << 31)       # large positive
    return rng.randrange(1 << 31, 1 << 32)           # negative as int32


def length_like_positions(buf: bytes, lo: int, hi: int) -> list[int]:
    """Offsets in [lo, hi) whose 4 bytes look like a ROOT byte count (0x40000000 | n) or a small
    count (1..2^20): the fields a corrupt file would most likely lie in."""
    out = []
    for p in range(lo, max(lo, hi - 3)):
        v = int.from_bytes(buf[p:p + 4], "big")
        if (v & 0xC0000000) == 0x40000000 and (v & 0x3FFFFFFF) < hi - lo + 64:
            out.append(p)
        elif 0 < v < (1 << 20) and buf[p] == 0 and buf[p + 1] < 0x10:
            out.append(p)
    return out


class Mutator:
    """Picks positions in meaningful regions of one file."""

    def __init__(self, name: str, data: bytes):
        self.name = name
        self.data = data
        self.map = map_file(data)
        self.deep = deep_targets(data, self.map)
        self.deep_ok = bool(self.deep)  # cleared if relocation alone changes the output
        self._length_cache: dict[int, list[int]] = {}

    # -- regions -------------------------------------------------------------------------------
    def region_pos(self, rng: random.Random) -> tuple[int, str]:
        size, m = len(self.data), self.map
        recs = m.records
        choice = rng.random()
        if choice < 0.12 or not recs:
            hdr_end = min(size, max(64, recs[0].end if recs else 100))
            return rng.randrange(0, hdr_end), "in the file header / top directory"
        if choice < 0.40:
            r = rng.choice(recs)
            return r.pos + rng.randrange(max(1, r.keylen)), f"in the key of {r.class_name} '{r.name}' @{r.pos}"
        if choice < 0.80:
            r = rng.choice([r for r in recs if r.nbytes > r.keylen] or recs)
            span = max(1, r.nbytes - r.keylen)
            what = "compressed payload" if r.compressed else "payload"
            return min(size - 1, r.payload + rng.randrange(span)), f"in the {what} of {r.class_name} '{r.name}' @{r.pos}"
        if choice < 0.90:
            return max(0, size - 1 - rng.randrange(min(size, 1024))), "near the end of the file"
        return rng.randrange(size), "anywhere"

    def length_field(self, rng: random.Random) -> tuple[int, int, str]:
        """(offset, width, description) of a real length/offset field of the file layer."""
        m, size = self.map, len(self.data)
        opts = []
        if m.header_fields:
            opts.append("header")
        if m.records:
            opts += ["key", "key", "block"]
        if m.listings:
            opts.append("listing")
        if m.dir_records:
            opts.append("dir")
        kind = rng.choice(opts) if opts else "random"
        if kind == "header":
            off, width, name = rng.choice([f for f in m.header_fields if f[1] >= 4])
            return off, width, f"file header {name}"
        if kind == "key":
            r = rng.choice(m.records)
            off, width, name = rng.choice([(0, 4, "fNbytes"), (6, 4, "fObjlen"), (14, 2, "fKeylen"),
                                           (18, 8 if r.large else 4, "fSeekKey"),
                                           (18 + (8 if r.large else 4), 8 if r.large else 4, "fSeekPdir")])
            return r.pos + off, width, f"{name} of the key of {r.class_name} '{r.name}' @{r.pos}"
        if kind == "block":
            comp = [r for r in m.records if r.compressed and r.nbytes - r.keylen > 9]
            if comp:
                r = rng.choice(comp)
                off, name = rng.choice([(3, "compressed size"), (6, "uncompressed size")])
                return r.payload + off, 3, f"{name} of the first compressed block of {r.class_name} '{r.name}' @{r.pos}"
        if kind == "listing":
            li = rng.choice(m.listings)
            off, width, name = rng.choice([(0, 4, "fNbytes"), (6, 4, "fObjlen"), (14, 2, "fKeylen"),
                                           (18, 8 if li.large else 4, "fSeekKey")])
            return li.pos + off, width, f"{name} of a directory listing entry @{li.pos}"
        if kind == "dir":
            rec, large = rng.choice(m.dir_records)
            w = 8 if large else 4
            off, width, name = rng.choice([(10, 4, "fNbytesKeys"), (14, 4, "fNbytesName"), (18, w, "fSeekDir"),
                                           (18 + w, w, "fSeekParent"), (18 + 2 * w, w, "fSeekKeys")])
            return rec + off, width, f"TDirectory {name} @{rec}"
        pos = rng.randrange(max(1, size - 4))
        return pos, 4, "random position"

    # -- the mutations ---------------------------------------------------------------------------
    def make(self, rng: random.Random, kind: str) -> tuple[bytes, str]:
        d = self.data
        size = len(d)
        if kind == "truncate":
            if rng.random() < 0.35:
                cut = rng.randrange(0, size)
                where = "uniform"
            else:
                cut, where = self.region_pos(rng)
            return d[:cut], f"truncate to {cut} of {size} bytes ({where})"
        if kind == "flip1":
            pos, where = self.region_pos(rng)
            x = rng.randrange(1, 256)
            out = bytearray(d)
            out[pos] ^= x
            return bytes(out), f"flip byte {pos} ^0x{x:02x} ({where})"
        if kind == "flipN":
            n = rng.choice([2, 3, 4, 8, 16, 32, 64])
            out = bytearray(d)
            spots = []
            for _ in range(n):
                pos = rng.randrange(size) if rng.random() < 0.5 else self.region_pos(rng)[0]
                x = rng.randrange(1, 256)
                out[pos] ^= x
                spots.append(f"{pos}^{x:02x}")
            return bytes(out), f"flip {n} bytes: " + " ".join(spots)
        if kind == "length":
            out = bytearray(d)
            v = huge_value(rng)
            if rng.random() < 0.6:
                pos, width, what = self.length_field(rng)
            else:
                pos, width, what = self.raw_length_position(rng)
            if width == 3:
                v &= 0xFFFFFF
                out[pos:pos + 3] = v.to_bytes(3, "little")
            elif width == 2:
                v = rng.choice([0x7FFF, 0xFFFF, 0x8000, 0x1000])
                out[pos:pos + 2] = v.to_bytes(2, "big")
            elif width == 8:
                v64 = rng.choice([v << 32, 0x7FFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF, v])
                out[pos:pos + 8] = v64.to_bytes(8, "big")
                v = v64
            elif width == 1:
                out[pos] = v & 0xFF
            else:
                out[pos:pos + 4] = v.to_bytes(4, "big")
            return bytes(out[:size]), f"set {width}-byte {what} (offset {pos}) to 0x{v:x}"
        if kind == "zero":
            pos, where = self.region_pos(rng)
            n = rng.choice([1, 2, 4, 8, 16, 64, 256, 1024, 4096])
            out = bytearray(d)
            out[pos:pos + n] = bytes(len(out[pos:pos + n]))
            return bytes(out), f"zero {n} bytes at {pos} ({where})"
        if kind == "deep":
            return self.make_deep(rng)
        raise ValueError(kind)

    def raw_length_position(self, rng: random.Random) -> tuple[int, int, str]:
        """A plausible count or byte count inside an uncompressed payload of the file."""
        recs = [r for r in self.map.records if not r.compressed and r.nbytes - r.keylen >= 8]
        if recs:
            r = rng.choice(recs)
            cands = self._lengths(r)
            if cands:
                return rng.choice(cands), 4, f"count-like int32 in the payload of {r.class_name} '{r.name}' @{r.pos}"
        return rng.randrange(max(1, len(self.data) - 4)), 4, "int32 at a random position"

    def _lengths(self, r: Record) -> list[int]:
        if r.pos not in self._length_cache:
            self._length_cache[r.pos] = length_like_positions(self.data, r.payload, min(r.end, len(self.data)))
        return self._length_cache[r.pos]

    def make_deep(self, rng: random.Random) -> tuple[bytes, str]:
        t = rng.choice(self.deep)
        obj = bytearray(t.obj)
        n = len(obj)
        what = f"{t.record.class_name} '{t.record.name}' (key @{t.record.pos}, {n} bytes decompressed)"
        op = rng.random()
        if op < 0.45:
            cands = length_like_positions(obj, 0, n)
            pos = rng.choice(cands) if cands and rng.random() < 0.8 else rng.randrange(max(1, n - 4))
            v = huge_value(rng)
            obj[pos:pos + 4] = v.to_bytes(4, "big")
            desc = f"set int32 at object byte {pos} to 0x{v:x}"
        elif op < 0.70:
            k = rng.choice([1, 1, 2, 4, 8])
            spots = []
            for _ in range(k):
                pos = rng.randrange(n)
                x = rng.randrange(1, 256)
                obj[pos] ^= x
                spots.append(f"{pos}^{x:02x}")
            desc = "flip object bytes " + " ".join(spots)
        elif op < 0.85:
            pos = rng.randrange(n)
            k = rng.choice([1, 4, 16, 128])
            obj[pos:pos + k] = bytes(len(obj[pos:pos + k]))
            desc = f"zero object bytes {pos}..{min(n, pos + k)}"
        else:
            cut = rng.randrange(0, n)
            obj = obj[:cut]
            desc = f"cut object to {cut} bytes"
        return bytes(relocate(self.data, self.map, t, bytes(obj))), f"deep: {desc} in {what}, stored uncompressed at EOF"


KIND_WEIGHTS = [("truncate", 30), ("flip1", 12), ("flipN", 12), ("length", 20), ("zero", 8), ("deep", 18)]


def pick_kind(rng: random.Random, deep_ok: bool) -> str:
    kinds = [(k, w) for k, w in KIND_WEIGHTS if deep_ok or k != "deep"]
    total = sum(w for _, w in kinds)
    x = rng.uniform(0, total)
    for k, w in kinds:
        x -= w
        if x <= 0:
            return k
    return kinds[-1][0]


# ---------------------------------------------------------------------------------------------
# Running evclass and judging the result.


def limit_memory() -> None:  # runs in the child between fork and exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


@dataclass
class RunResult:
    code: int | None    # None: timed out
    stdout: str
    stderr: str
    stderr_bytes: bytes
    seconds: float
    max_rss_kb: int


def run_evclass(evclass: str, path: str, timeout: float) -> RunResult:
    start = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([evclass, "inspect", path, "--stats", "--json"], stdin=subprocess.DEVNULL,
                                stdout=out, stderr=err, preexec_fn=limit_memory)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                proc.kill()
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)  # wait4 gives this child's own peak RSS
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        err_bytes = err.read()
        return RunResult(None if timed_out.is_set() else proc.returncode, out.read().decode("utf-8", "replace"),
                         err_bytes.decode("utf-8", "replace"), err_bytes, time.monotonic() - start, usage.ru_maxrss)


def comparable(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k not in ("file", "size")}


def judge(res: RunResult, kind: str, baseline: dict | None, allow_warnings: bool = False) -> tuple[str, str]:
    """Returns (outcome, detail); outcome is ok-same, ok-changed, error:<Kind> or FAIL:<class>."""
    if res.code is None:
        return "FAIL:timeout", f"no result after {res.seconds:.1f} s"
    if res.code < 0:
        name = signal.Signals(-res.code).name if -res.code in signal.valid_signals() else str(-res.code)
        return f"FAIL:signal-{name}", first_lines(res.stderr)
    lines = res.stderr.splitlines()
    headers = [ln for ln in lines if ERROR_HEADER.match(ln) or ln.startswith("evclass internal error")
               or ln.startswith("evclass: internal error")]
    if res.code == 0:
        if headers:
            return "FAIL:error-text-on-success", first_lines(res.stderr)
        try:
            doc = json.loads(res.stdout)
        except json.JSONDecodeError as e:
            return "FAIL:invalid-json", f"exit 0 but stdout is not JSON ({e}): {res.stdout[:200]!r}"
        if not isinstance(doc, dict) or not isinstance(doc.get("trees"), list):
            return "FAIL:invalid-json", "exit 0 but the JSON has no 'trees' list"
        same = baseline is not None and comparable(doc) == comparable(baseline)
        if kind == "truncate" and not same:
            return "FAIL:truncated-read-differs", "a truncated file was read without error but its trees differ " \
                                                  "from the intact file's"
        return ("ok-same" if same else "ok-changed"), ""
    if res.code == 1:
        if len(headers) != 1:
            return ("FAIL:several-errors" if headers else "FAIL:no-error-message"), \
                f"{len(headers)} `evclass: Kind: ` lines on stderr: " + first_lines(res.stderr)
        m = ERROR_HEADER.match(headers[0])
        if m and m.group(1) == "OutOfMemory":
            return "FAIL:out-of-memory", first_lines(res.stderr)
        if not m or not GOOD_ERROR.match(headers[0]):
            return "FAIL:malformed-error", first_lines(res.stderr)
        after = lines[lines.index(headers[0]) + 1:]
        if CONTROL_BYTES.search(res.stderr_bytes) or any(ln and not ln[0].isspace() for ln in after):
            # Names read from a damaged file can hold any byte; printed raw they garble the
            # message (or the terminal) and break its layout (continuation lines are indented).
            # They must be escaped.
            return "FAIL:raw-bytes-in-message", first_lines(res.stderr, 12)
        if not lines[0].startswith("evclass: "):
            # The issue asks for one message and nothing else; a `warning:` that repeats the
            # error's cause first is a second message.
            before = lines[:lines.index(headers[0])]
            if not allow_warnings or not all(ln.startswith(("warning: ", "note: ", " ")) for ln in before):
                return "FAIL:text-before-error", first_lines(res.stderr, 12)
        if len(lines) > MAX_ERROR_LINES:
            return "FAIL:error-too-long", f"{len(lines)} lines on stderr: " + first_lines(res.stderr)
        return f"error:{m.group(1)}", ""
    if res.code == 3:
        return "FAIL:internal-error", first_lines(res.stderr)
    return f"FAIL:exit-{res.code}", first_lines(res.stderr)


def first_lines(text: str, n: int = 6) -> str:
    """The start of a message, with control characters escaped so the log stays readable."""
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", lambda m: f"\\x{ord(m.group()):02x}", text)
    lines = text.strip().splitlines()
    s = "\n".join(lines[:n])
    return s + (f"\n... ({len(lines) - n} more lines)" if len(lines) > n else "")


# ---------------------------------------------------------------------------------------------


@dataclass
class Variant:
    file: str
    index: int
    kind: str
    desc: str
    outcome: str = ""
    detail: str = ""
    seconds: float = 0.0
    max_rss_kb: int = 0
    saved: str = ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--evclass", required=True, help="path to the evclass executable")
    ap.add_argument("--data", required=True, help="folder with the real ROOT files (../shared/data/root)")
    ap.add_argument("--variants", type=int, default=1200, help="total number of damaged variants (default 1200)")
    ap.add_argument("--seed", type=int, default=20240611, help="seed of every mutation (default 20240611)")
    ap.add_argument("--jobs", type=int, default=2, help="variants run in parallel (default 2)")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per run before it counts as a hang")
    ap.add_argument("--files", help="comma-separated file names in --data (default: a fixed diverse set)")
    ap.add_argument("--only", help="run only these variants, e.g. 'uproot-HZZ-zstd.root:17,roottest-Event3a.root:3'")
    ap.add_argument("--out", help="folder for failing variants (default: $TMPDIR/evclass-badinput-failures)")
    ap.add_argument("--keep", action="store_true", help="save every variant to --out, not only failing ones")
    ap.add_argument("--allow-warnings", action="store_true",
                    help="accept `warning: `/`note: ` lines before the error (the issue asks for the error alone)")
    ap.add_argument("--show", type=int, default=5, help="failures printed in full per failure class (default 5)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every variant's outcome")
    args = ap.parse_args()

    evclass = os.path.abspath(args.evclass)
    if not (os.path.isfile(evclass) and os.access(evclass, os.X_OK)):
        print(f"run_badinput: --evclass {args.evclass} is not an executable file", file=sys.stderr)
        return 2
    data_dir = Path(args.data)
    if not data_dir.is_dir():
        print(f"SKIP: the real-ROOT data folder {data_dir} does not exist (it lives in ../shared/data/root)")
        return 77
    only = None
    if args.only:  # a variant is fully defined by (seed, file, index): no other option matters
        try:
            only = [(f, int(i)) for f, _, i in (x.rpartition(":") for x in args.only.split(","))]
        except ValueError:
            print(f"run_badinput: --only wants FILE:INDEX[,FILE:INDEX...], not {args.only}", file=sys.stderr)
            return 2
    names = list(dict.fromkeys(f for f, _ in only)) if only else \
        (args.files.split(",") if args.files else DEFAULT_FILES)
    present = [n for n in names if (data_dir / n).is_file()]
    missing = [n for n in names if n not in present]
    if missing:
        print(f"note: not in {data_dir}: {', '.join(missing)}")
    if only and missing:
        print(f"run_badinput: --only names files that are not in {data_dir}", file=sys.stderr)
        return 2
    if len(present) < min(MIN_FILES, len(names)):
        print(f"SKIP: only {len(present)} of the chosen files are in {data_dir}; need at least "
              f"{min(MIN_FILES, len(names))}")
        return 77
    out_dir = Path(args.out) if args.out else Path(tempfile.gettempdir()) / "evclass-badinput-failures"
    work = Path(tempfile.mkdtemp(prefix="evclass-badinput-"))
    t0 = time.monotonic()

    # The intact files must read cleanly; their output is what truncations are compared with.
    mutators: dict[str, Mutator] = {}
    baselines: dict[str, dict] = {}
    setup_failures = []
    for name in present:
        data = (data_dir / name).read_bytes()
        res = run_evclass(evclass, str(data_dir / name), args.timeout)
        try:
            if res.code != 0:
                raise ValueError(f"exit {res.code}: {first_lines(res.stderr)}")
            baselines[name] = json.loads(res.stdout)
        except ValueError as e:  # json.JSONDecodeError is a ValueError
            setup_failures.append(f"{name}: the intact file does not read cleanly: {e}")
            continue
        mu = Mutator(name, data)
        # Self-check of the deep mutation: moving an object uncompressed to the end of the file
        # without damaging it must not change what evclass reads.
        if mu.deep:
            probe = work / f"relocate-check.{name}"
            bad = []
            for t in mu.deep:
                probe.write_bytes(relocate(data, mu.map, t, t.obj))
                r = run_evclass(evclass, str(probe), args.timeout)
                try:
                    same = r.code == 0 and comparable(json.loads(r.stdout)) == comparable(baselines[name])
                except ValueError:
                    same = False
                if not same:
                    bad.append(t)
            probe.unlink(missing_ok=True)
            if bad:
                print(f"note: {name}: relocating {len(bad)} of {len(mu.deep)} objects uncompressed changes the output "
                      f"({', '.join(sorted({t.record.class_name for t in bad}))}); not damaging those")
                mu.deep = [t for t in mu.deep if t not in bad]
                mu.deep_ok = bool(mu.deep)
        mutators[name] = mu

    # Variants: spread evenly over the files, kinds drawn by weight.
    files = list(mutators)
    chosen = [(f, i) for f, i in only if f in mutators] if only else \
        [(files[i % len(files)], i // len(files)) for i in range(args.variants if files else 0)]
    variants: list[Variant] = []
    for name, idx in chosen:
        rng = random.Random(f"{args.seed}:{name}:{idx}")
        variants.append(Variant(name, idx, pick_kind(rng, mutators[name].deep_ok), ""))

    lock = threading.Lock()
    done = [0]

    def run_one(v: Variant) -> Variant:
        rng = random.Random(f"{args.seed}:{v.file}:{v.index}")
        pick_kind(rng, mutators[v.file].deep_ok)  # consume the same draw as above
        data, v.desc = mutators[v.file].make(rng, v.kind)
        path = work / f"{Path(v.file).stem}.v{v.index:04d}.{v.kind}.root"
        path.write_bytes(data)
        res = run_evclass(evclass, str(path), args.timeout)
        v.outcome, v.detail = judge(res, v.kind, baselines[v.file], args.allow_warnings)
        v.seconds, v.max_rss_kb = res.seconds, res.max_rss_kb
        if v.outcome.startswith("FAIL") or args.keep:
            out_dir.mkdir(parents=True, exist_ok=True)
            dest = out_dir / path.name
            shutil.copyfile(path, dest)
            dest.with_suffix(".txt").write_text(
                f"source: {v.file}\nvariant: {v.index} (seed {args.seed})\nmutation: {v.desc}\n"
                f"outcome: {v.outcome}\nexit: {res.code}\n--- stderr ---\n{res.stderr}")
            v.saved = str(dest)
        path.unlink(missing_ok=True)
        with lock:
            done[0] += 1
            if args.verbose:
                print(f"[{done[0]}/{len(variants)}] {v.file} #{v.index} {v.kind}: {v.outcome} -- {v.desc}", flush=True)
        return v

    if out_dir.exists() and not args.keep and not args.only:
        shutil.rmtree(out_dir, ignore_errors=True)  # failures of an earlier run would mislead
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(run_one, variants))
    shutil.rmtree(work, ignore_errors=True)
    elapsed = time.monotonic() - t0

    # ---- summary ----
    print(f"\nbadinput: {len(results)} variants of {len(files)} files in {elapsed:.1f} s "
          f"({args.jobs} workers, seed {args.seed}; each run limited to {MEMORY_LIMIT >> 20} MiB of address space "
          f"and {args.timeout:g} s)")
    per_file: dict[str, Counter] = defaultdict(Counter)
    per_kind: dict[str, Counter] = defaultdict(Counter)
    error_kinds: Counter = Counter()
    for v in results:
        cls = "FAIL" if v.outcome.startswith("FAIL") else ("ok" if v.outcome.startswith("ok") else "error")
        for c in (per_file[v.file], per_kind[v.kind]):
            c[cls] += 1
            c[v.outcome] += 1
            c["n"] += 1
        if cls == "error":
            error_kinds[v.outcome.split(":", 1)[1]] += 1
    print(f"{'file':<42} {'variants':>8} {'ok-same':>8} {'ok-chg':>7} {'error':>6} {'FAIL':>5}")
    for name in files:
        c = per_file[name]
        if not c["n"]:
            continue
        print(f"{name:<42} {c['n']:>8} {c['ok-same']:>8} {c['ok-changed']:>7} {c['error']:>6} {c['FAIL']:>5}")
    print(f"{'mutation':<42} {'variants':>8} {'ok-same':>8} {'ok-chg':>7} {'error':>6} {'FAIL':>5}")
    for kind, _ in KIND_WEIGHTS:
        c = per_kind[kind]
        if c["n"]:
            print(f"{kind:<42} {c['n']:>8} {c['ok-same']:>8} {c['ok-changed']:>7} {c['error']:>6} {c['FAIL']:>5}")
    total = Counter()
    for c in per_file.values():
        total.update(c)
    print(f"total: {total['n']} variants, {total['ok']} ok ({total['ok-same']} same as intact, "
          f"{total['ok-changed']} changed values), {total['error']} clean errors "
          f"({', '.join(f'{k} {n}' for k, n in error_kinds.most_common())}), {total['FAIL']} failures")
    if results:
        slow = max(results, key=lambda v: v.seconds)
        big = max(results, key=lambda v: v.max_rss_kb)
        print(f"slowest run: {slow.seconds:.2f} s ({slow.file} #{slow.index}: {slow.desc})")
        print(f"largest peak RSS: {big.max_rss_kb / 1024:.0f} MiB ({big.file} #{big.index}: {big.desc})")

    failures = [v for v in results if v.outcome.startswith("FAIL")]
    for msg in setup_failures:
        print(f"FAIL (intact file): {msg}")
    if failures:
        print(f"\n{len(failures)} FAILURES (variants saved in {out_dir}):")
        by_class = Counter(v.outcome for v in failures)
        print("  by class: " + ", ".join(f"{k} {n}" for k, n in by_class.most_common()))
        shown: Counter = Counter()
        index_lines = []
        for v in failures:
            index_lines.append(f"{v.outcome}\t{v.saved}\t{v.file}#{v.index}\t{v.desc}")
            shown[v.outcome] += 1
            if shown[v.outcome] > args.show:
                continue
            print(f"\n- {v.outcome}: {v.file} variant {v.index} ({v.kind}): {v.desc}")
            print(f"  reproduce: (ulimit -v {MEMORY_LIMIT >> 10}; timeout {args.timeout:g} {evclass} inspect "
                  f"{v.saved} --stats --json)")
            print(f"  regenerate: {sys.executable} {sys.argv[0]} --evclass {evclass} --data {data_dir} "
                  f"--seed {args.seed} --only {v.file}:{v.index} --keep")
            if v.detail:
                print("  " + v.detail.replace("\n", "\n  "))
        (out_dir / "failures.tsv").write_text("\n".join(index_lines) + "\n")
        hidden = sum(max(0, n - args.show) for n in shown.values())
        if hidden:
            print(f"\n({hidden} more failures not shown: at most {args.show} per class; all are listed in "
                  f"{out_dir / 'failures.tsv'})")
    ok = not failures and not setup_failures
    print(f"\nbadinput: {'PASSED' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
