"""The pack's example compositions: every kind is used, every example renders the same
with skia and cairo (within the per-example tolerance in examples/index.json: the pack's
numpy work is identical, only the rasterizers' anti-aliased edges differ)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from wavyte_effects_pack.effects import EFFECTS
from wavyte_effects_pack.transitions import TRANSITIONS

from tests import parts
from wavyte_conformance.metrics import Tolerance, compare
from wavyte_core.api import load, render_frame

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
INDEX = json.loads((EXAMPLES / "index.json").read_text())


def _kinds_used(doc: dict) -> set[str]:
    used = set()
    for track in doc["tracks"]:
        for clip in track["clips"]:
            used.update(fx["kind"] for fx in clip.get("effects") or [])
            for key in ("transition_in", "transition_out"):
                if clip.get(key):
                    used.add(clip[key]["kind"])
    return used


def test_examples_use_every_pack_kind() -> None:
    used: set[str] = set()
    for entry in INDEX:
        used |= _kinds_used(json.loads((EXAMPLES / entry["file"]).read_text()))
    declared = {k.name for k in EFFECTS} | {k.name for k in TRANSITIONS}
    assert declared - used == set(), "pack kinds without an example"


@pytest.mark.parametrize("entry", INDEX, ids=[e["kind"] for e in INDEX])
def test_example_renders_the_same_on_skia_and_cairo(entry: dict) -> None:
    parts.need("cairo")
    comp = load(EXAMPLES / entry["file"])
    tol = Tolerance.from_json(entry["tolerance"])
    for frame in entry["frames"]:
        a = render_frame(comp, frame, assets_root=EXAMPLES, backend="skia")
        b = render_frame(comp, frame, assets_root=EXAMPLES, backend="cairo")
        assert a[..., 3].min() == 255 and a.std() > 10  # a real, opaque picture
        m = compare(a, b)
        assert tol.accepts(m), f"frame {frame}: {m.short()} exceeds {tol.describe()}"
