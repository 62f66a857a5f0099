"""Hostile assets are refused before they cost memory, and SVGs cannot reach outside the
asset root."""

from __future__ import annotations

import json
import struct
import time
import tracemalloc
import zlib
from pathlib import Path

import numpy as np
import pytest

import wavyte_core as wv
from tests.media import write_png
from wavyte_core.errors import AssetError
from wavyte_core.plugin.registry import default_registry


def _chunk(tag: bytes, data: bytes) -> bytes:
    crc = struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    return struct.pack(">I", len(data)) + tag + data + crc


def png_bomb(path: Path, w: int, h: int) -> Path:
    """A valid-looking PNG of a few hundred bytes whose header claims ``w`` × ``h``."""
    rows = zlib.compress(b"\0" * (1 + 4 * 64) * 64, 9)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )
    return path


def comp_with(asset: dict, w: int = 64, h: int = 48) -> dict:
    ident = {
        "translate": {"x": 0.0, "y": 0.0},
        "rotation_rad": 0.0,
        "scale": {"x": 1.0, "y": 1.0},
        "anchor": {"x": 0.0, "y": 0.0},
    }

    def const(v: object) -> dict:
        return {
            "Keyframes": {
                "keys": [{"frame": 0, "value": v, "ease": "Linear"}],
                "mode": "Hold",
                "default": None,
            }
        }

    clip = {
        "id": "c",
        "asset": "a",
        "range": {"start": 0, "end": 2},
        "props": {"transform": const(ident), "opacity": const(1.0), "blend": "Normal"},
        "z_offset": 0,
        "effects": [],
        "transition_in": None,
        "transition_out": None,
    }
    return {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": w, "height": h},
        "duration": 2,
        "assets": {"a": asset},
        "tracks": [{"name": "t", "z_base": 0, "clips": [clip]}],
        "seed": 1,
    }


def _decoders() -> list[str]:
    names = set(default_registry().names("decoder"))
    return [d for d in ("pyav", "opencv") if d in names]


@pytest.mark.parametrize("decoder", _decoders())
def test_image_bomb_refused_before_decoding(tmp_path: Path, decoder: str) -> None:
    png_bomb(tmp_path / "bomb.png", 50000, 50000)
    comp = wv.load(json.dumps(comp_with({"Image": {"source": "bomb.png"}})).encode())
    t0 = time.perf_counter()
    with pytest.raises(AssetError, match=r"50000x50000.*refused before decoding"):
        wv.open_job(comp, assets_root=tmp_path, decoder=decoder)
    assert time.perf_counter() - t0 < 10


def test_image_under_the_limit_still_decodes(tmp_path: Path) -> None:
    rgba = np.zeros((3, 5, 4), np.uint8)
    rgba[..., 1] = rgba[..., 3] = 255
    write_png(tmp_path / "ok.png", rgba)
    comp = wv.load(json.dumps(comp_with({"Image": {"source": "ok.png"}})).encode())
    frame = wv.render_frame(comp, 0, assets_root=tmp_path, background=None)
    assert frame[1, 2, 1] == 255 and frame[1, 2, 3] == 255


def test_huge_svg_file_refused_without_reading_it(tmp_path: Path) -> None:
    from wavyte_core.assets.svgsize import MAX_SVG_BYTES

    big = tmp_path / "big.svg"
    with big.open("wb") as f:  # sparse: the size is there, the bytes are not
        f.write(b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">')
        f.truncate(MAX_SVG_BYTES + 1)
    comp = wv.load(json.dumps(comp_with({"Svg": {"source": "big.svg"}})).encode())
    with pytest.raises(AssetError, match="larger than the limit"):
        wv.open_job(comp, assets_root=tmp_path)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE svg [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><text>&f;</text></svg>
"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY secret SYSTEM "file://{secret}">]>
<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><text y="20">&secret;</text></svg>
"""


@pytest.mark.parametrize("kind", ["billion_laughs", "external_entity"])
def test_svg_entities_refused(tmp_path: Path, kind: str) -> None:
    root = tmp_path / "root"
    root.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    text = BILLION_LAUGHS if kind == "billion_laughs" else XXE.format(secret=secret)
    (root / "a.svg").write_text(text)
    comp = wv.load(json.dumps(comp_with({"Svg": {"source": "a.svg"}})).encode())
    t0 = time.perf_counter()
    with pytest.raises(AssetError, match="entity declarations"):
        wv.open_job(comp, assets_root=root)
    assert time.perf_counter() - t0 < 10


@pytest.mark.parametrize("href", ["../outside.png", "file://{outside}", "{outside}"])
def test_svg_external_images_are_not_loaded(tmp_path: Path, href: str) -> None:
    """An SVG's ``<image>`` pointing outside the asset root (relative, file URL, absolute)
    draws nothing: only the in-document red square shows, never the green file."""
    root = tmp_path / "root"
    root.mkdir()
    green = np.zeros((40, 40, 4), np.uint8)
    green[..., 1] = green[..., 3] = 255
    outside = write_png(tmp_path / "outside.png", green)
    ref = href.format(outside=outside)
    (root / "a.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="40" height="40">'
        '<rect x="0" y="0" width="10" height="10" fill="#ff0000"/>'
        f'<image x="0" y="0" width="40" height="40" href="{ref}" xlink:href="{ref}"/></svg>'
    )
    comp = wv.load(json.dumps(comp_with({"Svg": {"source": "a.svg"}})).encode())
    frame = wv.render_frame(comp, 0, assets_root=root, background=None)
    assert frame[5, 5, 2] > 200  # the red square (BGRA) is drawn ...
    assert frame[..., 1].max() == 0  # ... and nothing green came from outside the root


FONT = Path(__file__).resolve().parents[1] / "examples" / "assets" / "fonts" / "DejaVuSans.ttf"


@pytest.mark.parametrize("rasterizer", ["skia", "cairo"])
def test_text_of_any_size_costs_bounded_memory(tmp_path: Path, rasterizer: str) -> None:
    """``size_px`` has no upper bound in the format: a glyph two billion pixels tall is
    prepared and drawn (or refused with a `WavyteError`) without its curves being cut
    into millions of segments (hypothesis found this one: it exhausted a CI machine)."""
    if rasterizer not in default_registry().names("rasterizer"):
        pytest.skip(f"{rasterizer} not installed")
    root = tmp_path / "root"
    root.mkdir()
    (root / "f.ttf").write_bytes(FONT.read_bytes())
    text = {"text": "Og", "font_source": "f.ttf", "size_px": 2e9, "color_rgba8": [9, 9, 9, 255]}
    comp = wv.load(json.dumps(comp_with({"Text": text})).encode())
    tracemalloc.start()
    try:
        frame = wv.render_frame(comp, 0, assets_root=root, rasterizer=rasterizer)
    except wv.WavyteError as exc:
        assert str(exc)
    else:
        assert frame.shape == (48, 64, 4)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < 64 << 20, f"peak {peak / 2**20:.0f} MiB traced while rendering"
