"""Property-based fuzzing of the loader and the renderer.

- any JSON document either loads or raises a `WavyteError` (a `CompositionError` names
  the JSON path of the bad value), never another exception;
- any composition that loads renders its first, middle and last frames or raises a
  `WavyteError`: never another exception, a hang (an alarm fails the example after
  ``HANG_S``) or memory beyond a bound (the address space is capped while an example
  renders, and the peak RSS is checked at the end).

Example counts are modest and seeded by default (CI); ``WAVYTE_FUZZ=soak`` selects a
long, freshly random profile for local soaking, e.g.
``WAVYTE_FUZZ=soak .venv/bin/pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import os
import resource
import shutil
import signal
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.media import write_png
from wavyte_core.api import load, open_job
from wavyte_core.errors import CompositionError, WavyteError
from wavyte_core.plugin.registry import default_registry

# CI draws the same examples on every run (derandomize: a run of the README's test
# command is reproducible); the soak profile explores new ones on each run.
settings.register_profile(
    "ci",
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "soak", max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck)
)
PROFILE = os.environ.get("WAVYTE_FUZZ", "ci")
RENDER_EXAMPLES = {"ci": 30, "soak": 1500}.get(PROFILE, 30)
HANG_S = 30
MEMORY_BOUND_MB = 2048
REPO = Path(__file__).resolve().parents[1]
FONT = REPO / "conformance/wavyte_conformance/scenes/bench/assets/NotoSansDisplay-Bold.ttf"
SVG = REPO / "conformance/wavyte_conformance/scenes/bench/assets/logo.svg"

# ----------------------------------------------------------------- arbitrary JSON

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
any_json = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


def _check_load(doc: bytes) -> Any:
    try:
        return load(doc)
    except CompositionError as exc:
        assert isinstance(exc.path, str) and exc.rule
        return None
    except WavyteError as exc:
        assert str(exc)
        return None


@settings(settings.get_profile(PROFILE))
@given(any_json)
def test_any_json_loads_or_wavyte_error(value: Any) -> None:
    _check_load(json.dumps(value).encode())


@settings(settings.get_profile(PROFILE))
@given(st.binary(max_size=64))
def test_any_bytes_load_or_wavyte_error(data: bytes) -> None:
    _check_load(b"{" + data)


# --------------------------------------------------------- structured compositions

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
wild = st.floats(allow_nan=False, allow_infinity=False, width=32) | finite
# Valid enum values, so that most examples load and reach the renderer; invalid values
# anywhere are the job of `test_mutated_compositions_load_or_name_the_path`.
EASES = ["Linear", "InQuad", "OutCubic", "InOutCubic", "InOutQuad"]
MODES = ["Linear", "Hold"]


def kf(value: st.SearchStrategy, n: int = 3) -> st.SearchStrategy:
    key = st.fixed_dictionaries(
        {"frame": st.integers(0, 80), "value": value, "ease": st.sampled_from(EASES)}
    )
    return st.fixed_dictionaries(
        {
            "keys": st.lists(key, min_size=1, max_size=n).map(
                lambda ks: sorted(ks, key=lambda k: k["frame"])
            ),
            "mode": st.sampled_from(MODES),
            "default": st.none(),
        }
    ).map(lambda k: {"Keyframes": k})


vec = st.fixed_dictionaries({"x": wild, "y": wild})
transform = st.fixed_dictionaries(
    {"translate": vec, "rotation_rad": wild, "scale": vec, "anchor": vec}
)
random_effect = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["blur", "opacity_mul", "transform_post", "Blur ", "nope"]),
        "params": st.dictionaries(
            st.sampled_from(["radius_px", "sigma", "value", "translate", "scale"]),
            st.integers(-3, 300) | wild | st.lists(finite, max_size=3),
            max_size=3,
        ),
    }
)
effect = st.one_of(
    st.fixed_dictionaries(
        {
            "kind": st.just("blur"),
            "params": st.fixed_dictionaries({"radius_px": st.integers(0, 64)}),
        }
    ),
    st.fixed_dictionaries(
        {
            "kind": st.just("blur"),
            "params": st.fixed_dictionaries(
                {"radius_px": st.integers(0, 256), "sigma": st.floats(0.01, 1e4)}
            ),
        }
    ),
    st.fixed_dictionaries(
        {
            "kind": st.just("opacity_mul"),
            "params": st.fixed_dictionaries({"value": st.floats(0, 3)}),
        }
    ),
    st.fixed_dictionaries(
        {
            "kind": st.just("transform_post"),
            "params": st.fixed_dictionaries(
                {"translate": st.lists(finite, min_size=2, max_size=2)}
            ),
        }
    ),
    random_effect,
)
transition = st.none() | st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["crossfade", "wipe", "slide"]),
        "duration_frames": st.integers(1, 30),
        "ease": st.sampled_from(EASES),
        "params": st.none()
        | st.fixed_dictionaries(
            {"dir": st.sampled_from(["ltr", "rtl", "ttb", "btt", "up"]), "soft_edge": wild}
        ),
    }
)
path_d = st.sampled_from(["M0,0 L30,0 L30,20 L0,20 Z", "M5,0 L10,10 L0,10 Z"]) | st.text(
    alphabet="MLCQZHVAmlcqzhva0123456789.,- e", min_size=1, max_size=40
).map(lambda d: "M0,0 " + d)
# 0.3 shapes with extreme sizes, strokes (tiny dashes on huge outlines) and gradients
size = st.floats(0, 1e6) | wild
xy = st.lists(wild, min_size=2, max_size=2)
colour = st.sampled_from(["#ff0000", "#00ff0080", [1, 2, 3, 4]])
stops = st.lists(
    st.fixed_dictionaries({"offset": st.floats(0, 1), "color": colour}), min_size=1, max_size=4
)
paint = st.one_of(
    colour.map(lambda c: {"Solid": c}),
    st.fixed_dictionaries({"start": xy, "end": xy, "stops": stops}).map(
        lambda g: {"LinearGradient": g}
    ),
    st.fixed_dictionaries({"center": xy, "radius": size, "stops": stops}).map(
        lambda g: {"RadialGradient": g}
    ),
)
geometry = st.one_of(
    st.fixed_dictionaries({"width": size, "height": size, "corner_radius": size}).map(
        lambda g: {"Rect": g}
    ),
    st.fixed_dictionaries({"width": size, "height": size}).map(lambda g: {"Ellipse": g}),
    st.fixed_dictionaries(
        {"sides": st.integers(3, 10000), "radius": size, "corner_radius": size}
    ).map(lambda g: {"Polygon": g}),
    st.fixed_dictionaries(
        {"points": st.integers(3, 10000), "outer_radius": size, "inner_radius": size}
    ).map(lambda g: {"Star": g}),
    st.fixed_dictionaries({"from": vec, "to": vec}).map(lambda g: {"Line": g}),
    path_d.map(lambda d: {"Path": {"svg_path_d": d}}),
)
stroke = st.none() | st.fixed_dictionaries(
    {
        "width": st.floats(0, 1e4) | wild,
        "paint": paint,
        "join": st.sampled_from(["Miter", "Round", "Bevel"]),
        "cap": st.sampled_from(["Butt", "Round", "Square"]),
        "miter_limit": st.floats(1, 1e6),
        "dash": st.lists(st.floats(0, 1e6) | st.floats(0, 0.01), max_size=4),
        "dash_offset": wild,
    }
)
shape = st.fixed_dictionaries(
    {
        "geometry": geometry,
        "fill": st.none() | paint,
        "stroke": stroke,
        "trim": st.fixed_dictionaries(
            {"start": st.floats(0, 1), "end": st.floats(0, 1), "offset": wild}
        ),
    }
).map(lambda sh: {"Shape": sh})
asset = st.one_of(
    shape,
    path_d.map(lambda d: {"Path": {"svg_path_d": d}}),
    st.fixed_dictionaries(
        {
            "text": st.text(min_size=1, max_size=10),
            "font_source": st.just("font.ttf"),
            "size_px": st.floats(0.5, 400) | wild,
            "color_rgba8": st.lists(st.integers(0, 255), min_size=4, max_size=4),
        }
    ).map(lambda t: {"Text": t}),
    st.just({"Image": {"source": "img.png"}}),
    st.just({"Svg": {"source": "logo.svg"}}),
)


@st.composite
def compositions(draw: st.DrawFn) -> dict:
    duration = draw(st.integers(1, 40))
    keys = draw(st.lists(st.sampled_from("abcd"), min_size=1, max_size=3, unique=True))
    assets = {k: draw(asset) for k in keys}
    tracks = []
    for ti in range(draw(st.integers(1, 3))):
        clips = []
        for ci in range(draw(st.integers(1, 3))):
            start = draw(st.integers(0, duration))
            clips.append(
                {
                    "id": f"c{ti}{ci}",
                    "asset": draw(st.sampled_from(keys)),
                    "range": {"start": start, "end": draw(st.integers(start, duration))},
                    "props": {
                        "transform": draw(kf(transform)),
                        "opacity": draw(kf(wild)),
                        "blend": "Normal",
                    },
                    "z_offset": draw(st.integers(-3, 3)),
                    "effects": draw(st.lists(effect, max_size=2)),
                    "transition_in": draw(transition),
                    "transition_out": draw(transition),
                }
            )
        tracks.append({"name": f"t{ti}", "z_base": draw(st.integers(-2, 2)), "clips": clips})
    return {
        "fps": {"num": draw(st.integers(1, 60)), "den": draw(st.integers(1, 2))},
        "canvas": {"width": draw(st.integers(1, 80)), "height": draw(st.integers(1, 60))},
        "duration": duration,
        "assets": assets,
        "tracks": tracks,
        "seed": draw(st.integers(0, 2**64 - 1)),
    }


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path (tuple of keys and indexes) inside a JSON value, the root included."""
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


@settings(settings.get_profile(PROFILE))
@given(doc=compositions(), data=st.data())
def test_mutated_compositions_load_or_name_the_path(doc: dict, data: st.DataObject) -> None:
    """A valid-shaped document with one value replaced by arbitrary JSON (or one member
    deleted) loads or fails with a `WavyteError`; a composition error's JSON path names
    a place in the document."""
    path = data.draw(st.sampled_from(_paths(doc)[1:]))
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    if isinstance(parent, dict) and data.draw(st.booleans()):
        del parent[path[-1]]
    else:
        parent[path[-1]] = data.draw(any_json)
    try:
        load(json.dumps(doc).encode())
    except CompositionError as exc:
        assert exc.rule
        head = exc.path.split(".")[0].split("[")[0]
        assert head in ("", *doc, "fps", "canvas", "duration", "assets", "tracks", "seed")
    except WavyteError as exc:
        assert str(exc)


@pytest.fixture(scope="module")
def asset_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("fuzz")
    root = base / "root"
    root.mkdir()
    shutil.copy(FONT, root / "font.ttf")
    shutil.copy(SVG, root / "logo.svg")
    rgba = np.zeros((6, 8, 4), np.uint8)
    rgba[..., 0], rgba[..., 3] = 200, 180
    write_png(root / "img.png", rgba)
    write_png(base / "outside.png", rgba)
    return root


class Hang(Exception):
    pass


@functools.cache
def _address_space_at_first_example() -> int:
    pages = int(Path("/proc/self/statm").read_text().split()[0])
    return pages * resource.getpagesize()


@contextlib.contextmanager
def _address_space_cap(extra: int = 4 << 30) -> Iterator[None]:
    """Caps the process's address space at its size before the first example plus
    ``extra`` bytes, so an example that allocates without bound fails as a `MemoryError`
    (which the test turns into a failure hypothesis shrinks and prints) instead of the
    kernel's OOM killer ending the whole test run. The base is fixed at first use: a cap
    relative to the current size would let memory held by failed examples ratchet it up."""
    if sys.platform != "linux":
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = _address_space_at_first_example() + extra
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _alarm(signum: int, frame: object) -> None:
    raise Hang(f"no result within {HANG_S} s")


def _compositors() -> list[str]:
    names = set(default_registry().names("compositor"))
    return [c for c in ("skia", "numpy", "cairo") if c in names]


@settings(settings.get_profile(PROFILE), max_examples=RENDER_EXAMPLES)
@given(doc=compositions(), compositor=st.sampled_from(_compositors()))
def test_loaded_compositions_render_or_wavyte_error(
    doc: dict, compositor: str, asset_root: Path
) -> None:
    comp = _check_load(json.dumps(doc, allow_nan=False).encode())
    if comp is None:
        event("refused by the loader")
        return
    rast = "cairo" if compositor == "cairo" else "skia"
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_S)
    try:
        with (
            _address_space_cap(),
            open_job(comp, assets_root=asset_root, rasterizer=rast, compositor=compositor) as job,
        ):
            n = comp.duration
            for f in sorted({0, n // 2, n - 1}):
                frame = job.frame(f)
                assert frame.shape == (comp.canvas.height, comp.canvas.width, 4)
        event("rendered")
    except WavyteError as exc:
        assert str(exc)
        event(f"refused at prepare/render: {type(exc).__name__}")
    except MemoryError as exc:
        # drop the frames' locals (the runaway arrays) before hypothesis keeps the error
        traceback.clear_frames(exc.__traceback__)
        raise AssertionError(f"more than the address-space cap was needed: {exc}") from None
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss in KiB")
def test_fuzzing_stayed_within_memory_bound() -> None:
    """Runs after the fuzz tests in this module: the process's peak RSS stayed bounded."""
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert peak_mb < MEMORY_BOUND_MB, f"peak RSS {peak_mb:.0f} MB"
    assert math.isfinite(peak_mb)
