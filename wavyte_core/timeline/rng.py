"""Deterministic hashes and the SplitMix64 RNG (wavyte-format.md §1.7, §4.2, Appendix A).

Everything here is 64-bit wrapping integer math reproduced bit for bit from the reference
engine: per-clip seeds, value noise for procedural animation, asset identities and the
snapshot digest. These run at load/prepare time; ``noise01`` is the only one a frame may
call (through a ``Noise1D`` procedural).
"""

from __future__ import annotations

__all__ = [
    "FNV_OFFSET",
    "FNV_PRIME",
    "Rng64",
    "asset_id",
    "digest_u64",
    "fnv1a64",
    "mix64",
    "noise01",
    "stable_hash64",
]

MASK64 = 0xFFFF_FFFF_FFFF_FFFF
FNV_OFFSET = 0xCBF2_9CE4_8422_2325
FNV_PRIME = 0x0000_0100_0000_01B3
GOLDEN = 0x9E37_79B9_7F4A_7C15
_MIX1 = 0xBF58_476D_1CE4_E5B9
_MIX2 = 0x94D0_49BB_1331_11EB
_NOISE_MUL = 0xD6E8_FEB8_6659_FD93
_TWO_POW_M53 = 1.0 / 9007199254740992.0  # 2^-53, exact


def fnv1a64(data: bytes, state: int = FNV_OFFSET) -> int:
    """FNV-1a 64 over ``data`` starting from ``state`` (chainable: pass the previous result)."""
    h = state & MASK64
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & MASK64
    return h


def stable_hash64(seed: int, s: str) -> int:
    """The per-clip procedural seed: FNV-1a 64 seeded with ``offset XOR seed`` over UTF-8 ``s``."""
    return fnv1a64(s.encode("utf-8"), FNV_OFFSET ^ (seed & MASK64))


def asset_id(tag: str, norm_path: str, params: list[tuple[str, str]]) -> int:
    """Asset identity (§4.2): FNV-1a 64 of ``tag + path + 0 + Σ sorted(k + 0 + v + 0)``.

    Identical content under two asset keys gets one id, so decoders and caches share it.
    """
    buf = bytearray(tag.encode("utf-8"))
    buf += norm_path.encode("utf-8")
    buf.append(0)
    for k, v in sorted(params):
        buf += k.encode("utf-8")
        buf.append(0)
        buf += v.encode("utf-8")
        buf.append(0)
    return fnv1a64(bytes(buf))


def mix64(z: int) -> int:
    """The SplitMix64 finaliser (wrapping 64-bit)."""
    z &= MASK64
    z = ((z ^ (z >> 30)) * _MIX1) & MASK64
    z = ((z ^ (z >> 27)) * _MIX2) & MASK64
    return z ^ (z >> 31)


class Rng64:
    """SplitMix64: the state starts at the seed; each draw adds the golden gamma then mixes."""

    __slots__ = ("state",)

    def __init__(self, seed: int) -> None:
        self.state = seed & MASK64

    def next_u64(self) -> int:
        self.state = (self.state + GOLDEN) & MASK64
        return mix64(self.state)

    def next_f64_01(self) -> float:
        """A float in [0, 1) with 53 bits: ``(u >> 11) · 2^-53``."""
        return float(self.next_u64() >> 11) * _TWO_POW_M53


def noise01(seed: int, x: int) -> float:
    """Value-noise lattice sample: a fresh RNG seeded with ``seed XOR x·K`` draws one float."""
    state = ((seed ^ ((x * _NOISE_MUL) & MASK64)) + GOLDEN) & MASK64
    return float(mix64(state) >> 11) * _TWO_POW_M53


def digest_u64(data: bytes) -> int:
    """The snapshot digest (Appendix A item 1): fold 8-byte LE chunks through ``mix64``.

    The last chunk may be short; it is zero-padded (little-endian read of fewer bytes).
    """
    state = GOLDEN
    from_bytes = int.from_bytes
    for i in range(0, len(data), 8):
        state = mix64(state ^ from_bytes(data[i : i + 8], "little"))
    return state
