"""Hashes and SplitMix64 against the format's vectors (wavyte-format.md §1.7, Appendix A)."""

from __future__ import annotations

from wavyte_core.timeline.rng import (
    FNV_OFFSET,
    Rng64,
    asset_id,
    digest_u64,
    fnv1a64,
    mix64,
    noise01,
    stable_hash64,
)


def test_clip_seed_vector() -> None:  # Appendix A item 3
    assert stable_hash64(1, "c0") == 623190029590429743


def test_stable_hash_depends_on_seed_and_id() -> None:
    assert stable_hash64(0, "c0") == fnv1a64(b"c0")
    assert stable_hash64(2, "c0") != stable_hash64(1, "c0")
    assert stable_hash64(1, "c1") != stable_hash64(1, "c0")
    # UTF-8 bytes, not code points
    assert stable_hash64(0, "é") == fnv1a64("é".encode())


def test_asset_id_vector() -> None:  # Appendix A item 2; params are sorted by the function
    params = [("dpi", "96"), ("colorspace", "srgb")]
    assert asset_id("I", "assets/img.png", params) == 0xA23B14B8777D9F73
    assert asset_id("S", "assets/img.png", params) != 0xA23B14B8777D9F73


def test_fnv_chaining_equals_one_pass() -> None:  # foundation/math.rs
    data = b"hello wavyte"
    assert fnv1a64(data[5:], fnv1a64(data[:5])) == fnv1a64(data)
    assert fnv1a64(b"") == FNV_OFFSET
    assert fnv1a64(b"a") == 0xAF63DC4C8601EC8C  # published FNV-1a 64 of "a"


def test_splitmix_vectors() -> None:  # Appendix A item 4
    assert Rng64(0).next_u64() == 16294208416658607535
    assert Rng64(123).next_u64() == 13032462758197477675
    r = Rng64(0)
    seq = [r.next_u64() for _ in range(3)]
    assert seq[0] == 0xE220A8397B1DCDAF
    assert seq[1] == 0x6E789E6AA1B965F4  # the standard SplitMix64 stream from seed 0
    assert len(set(seq)) == 3


def test_next_f64_01_uses_top_53_bits() -> None:
    a, b = Rng64(5), Rng64(5)
    assert a.next_f64_01() == (b.next_u64() >> 11) / 2**53
    for _ in range(100):
        x = a.next_f64_01()
        assert 0.0 <= x < 1.0


def test_noise01_is_a_fresh_rng_per_lattice_point() -> None:
    k = 0xD6E8FEB86659FD93
    for seed, x in [(7, 0), (7, 1), (7, 1 << 63), (0xFFFFFFFFFFFFFFFF, 12345)]:
        assert noise01(seed, x) == Rng64(seed ^ ((x * k) & 0xFFFFFFFFFFFFFFFF)).next_f64_01()
    assert noise01(7, 0) != noise01(7, 1)


def test_digest_u64_folds_le_chunks_zero_padded() -> None:
    g = 0x9E3779B97F4A7C15
    assert digest_u64(b"") == g
    assert digest_u64(b"\x01") == mix64(g ^ 1)
    eight = bytes(range(1, 9))
    assert digest_u64(eight) == mix64(g ^ int.from_bytes(eight, "little"))
    nine = eight + b"\xff"
    assert digest_u64(nine) == mix64(mix64(g ^ int.from_bytes(eight, "little")) ^ 0xFF)
    assert digest_u64(b"\x01\x00") == digest_u64(b"\x01")  # padding is zeros


def test_mix64_known_value() -> None:
    # mix64(state after one golden step from 0) is the first SplitMix64 output.
    assert mix64(0x9E3779B97F4A7C15) == 16294208416658607535
