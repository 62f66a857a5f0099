"""Tests of the suite's own machinery: metrics, tolerances, PNG storage, the exact-math
transcription, capability vetoes, plugin expectations and the reports."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from tests import parts
from wavyte_conformance import exact_math as em
from wavyte_conformance.catalog import load_catalog
from wavyte_conformance.combos import Combo, expectation_entries, expectation_for
from wavyte_conformance.metrics import Tolerance, compare
from wavyte_conformance.pngio import read_frame_png, write_frame_png
from wavyte_conformance.report import build_matrix, write_reports
from wavyte_conformance.runner import Runner
from wavyte_core.plugin.hookspecs import hookimpl
from wavyte_core.plugin.registry import Registry, default_registry
from wavyte_core.plugin.specs import RoleSpec
from wavyte_core.render.compositor_numpy import NumpyCompositor


def test_metrics_count_and_psnr() -> None:
    a = np.zeros((4, 5, 4), np.uint8)
    b = a.copy()
    assert compare(a, b).identical and math.isinf(compare(a, b).psnr)
    b[1, 2, 0] = 7
    b[3, 4, 3] = 1
    m = compare(a, b)
    assert (m.max_diff, m.pixels, m.pixels_over_1, m.total) == (7, 2, 1, 20)
    assert m.psnr == pytest.approx(10 * math.log10(255**2 / ((49 + 1) / 80)))


def test_tolerance_two_dimensions_and_ignore_1() -> None:
    a = np.zeros((10, 10, 4), np.uint8)
    b = a.copy()
    b[0, :, 0] = 1  # ten pixels off by one
    b[5, 5, 1] = 40  # one edge pixel far off
    m = compare(a, b)
    assert not Tolerance(40, 10).accepts(m)  # 11 pixels differ
    assert Tolerance(40, 11).accepts(m)
    assert not Tolerance(39, None).accepts(m)
    assert Tolerance(40, 1, ignore_1=True).accepts(m)
    assert not Tolerance(40, 1, min_psnr=60.0, ignore_1=True).accepts(m)


def test_png_stores_premultiplied_bytes_exactly(tmp_path) -> None:
    rng = np.random.default_rng(1)
    frame = em.random_premultiplied(rng, 17, 23)
    write_frame_png(tmp_path / "f.png", frame)
    assert np.array_equal(read_frame_png(tmp_path / "f.png"), frame)


def test_exact_math_matches_format_vectors() -> None:
    assert em.blur_kernel(3, 2.0) == [4598, 8590, 12499, 14162, 12499, 8590, 4598]
    assert em.blur_kernel(2, 1.2) == [5612, 15903, 22506, 15903, 5612]
    red = np.array([[[0, 0, 255, 255]] * 4], np.uint8)  # BGRA
    blue = np.array([[[255, 0, 0, 255]] * 4], np.uint8)
    out = em.wipe(np.zeros_like(red), red, blue, 0.5, "ltr", 0.25)
    assert out[0, 2].tolist() == [128, 0, 127, 255]  # RGBA [127, 0, 128, 255] in §4.5
    src = np.array([[[120, 110, 100, 200]]], np.uint8)
    assert em.over(np.zeros_like(src), src, 1.0).tolist() == src.tolist()


def test_numpy_compositor_matches_transcription_bit_for_bit() -> None:
    cat = load_catalog()
    c = NumpyCompositor()
    for op in cat.exact.ops:
        if op.tolerance is not None:  # the blend rows: real-valued W3C formulas
            continue
        d, a, b = em.inputs(op, cat.exact.size, cat.exact.seed)
        assert compare(em.expected(op, d, a, b), em.apply_compositor(c, op, d, a, b)).identical, (
            op.id
        )


def test_blend_rows_hold_every_mode_to_the_w3c_formulas() -> None:
    """The blend rows cover the 16 modes (and Add), each with its own tolerance, and the
    numpy reference meets it."""
    cat = load_catalog()
    rows = [op for op in cat.exact.ops if op.op == "blend"]
    assert len({op.params["mode"] for op in rows}) == 16
    c = NumpyCompositor()
    for op in rows:
        assert op.tolerance is not None
        d, a, b = em.inputs(op, cat.exact.size, cat.exact.seed)
        got = em.apply_compositor(c, op, d, a, b).astype(int)
        assert np.abs(got - em.expected(op, d, a, b)).max() <= op.tolerance["max_diff"], op.id


# A test plugin: a compositor two levels off on `over`, without blur, with expectations.
CONFORMANCE_EXPECTATIONS = {
    "compositor": {
        "exact/over_0_5": {"reason": "test: off by two", "max_diff": 2, "max_pixels": None}
    }
}


class _OffByTwo(NumpyCompositor):
    name = "offby2"

    def over(self, dst, src, opacity):  # type: ignore[override]
        super().over(dst, src, opacity)
        np.minimum(dst.buf.astype(np.uint16) + 2, 255, out=dst.buf, casting="unsafe")


def _make() -> _OffByTwo:
    return _OffByTwo()


class _Plugin:
    @hookimpl
    def wavyte_register_compositors(self) -> list[RoleSpec]:
        return [RoleSpec("offby2", _make, frozenset({"over", "crossfade", "wipe"}))]


@pytest.fixture(scope="module")
def offby2_results():
    reg = Registry.build([("offby2", _Plugin())], entrypoints=False)
    cat = load_catalog().select("exact/over_1_0,exact/over_0_5,exact/blur_r1")
    runner = Runner(cat, reg, only={"compositor": ["offby2"]})
    return {r.case: r for r in runner.run()}


def test_veto_expectation_and_failure(offby2_results) -> None:
    assert offby2_results["blur_r1"].status == "unsupported"
    assert "lacks blur" in offby2_results["blur_r1"].reason
    assert offby2_results["over_0_5"].status == "xfail"  # within the plugin's bound
    assert offby2_results["over_1_0"].status == "fail"  # no expectation: a failure
    assert offby2_results["over_1_0"].metrics.max_diff == 2


def test_reports_show_failures(offby2_results, tmp_path) -> None:
    results = list(offby2_results.values())
    paths = write_reports(results, tmp_path, build_matrix(results))
    doc = json.loads(paths["json"].read_text())
    assert doc["summary"]["exact"]["offby2"] == {
        "passed": 0,
        "known_failures": 1,
        "judged": 2,
        "unsupported": 1,
    }
    page = paths["html"].read_text()
    assert page.count("data:image/png;base64,") == 6  # two triptychs: fail and xfail
    assert "| over_1_0 | ✗ 2/" in paths["md"].read_text()


# ------------------------------------------------------- expectations per combination


def test_expectation_applies_only_to_the_combination_it_names() -> None:
    reg = default_registry()
    parts.need("cairo")
    ref = Combo((("rasterizer", "skia"), ("compositor", "numpy")))
    direct = Combo((("rasterizer", "skia"), ("compositor", "skia")))
    assert expectation_for(reg, ref, "render", "layout_center") is None  # the reference
    e = expectation_for(reg, direct, "render", "layout_center")
    assert e is not None and e.bound is not None and e.bound.max_pixels == 1400
    assert "skia compositor" in e.reason
    assert expectation_for(reg, direct, "render", "layout_hstack") is None  # another case
    scene = Combo((("rasterizer", "skia"), ("compositor", "cairo"), ("decoder", "pyav")))
    other = Combo((("rasterizer", "skia"), ("compositor", "cairo"), ("decoder", "opencv")))
    assert expectation_for(reg, scene, "render", "scene_bench_blur8") is not None
    assert expectation_for(reg, other, "render", "scene_bench_blur8") is None


def test_first_party_expectations_name_case_combination_and_pixel_budget() -> None:
    """Every known failure of a first-party plugin names one case (no glob), its exact
    combination (every other role the case uses) and a number of pixels it may cost."""
    import importlib

    cases = {c.id: c for c in load_catalog().cases}
    modules = [
        "wavyte_backend_skia.plugin",
        "wavyte_backend_cairo.plugin",
        "wavyte_decoder_pyav.plugin",
        "wavyte_decoder_opencv.plugin",
        "wavyte_effects_pack.plugin",
        "wavyte_core.builtin_plugins",
    ]
    entries = []
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        entries += [(name, *e) for e in expectation_entries(module)]
    assert entries, "the skia plugin declares its direct-draw deviations"
    for name, role, pattern, entry in entries:
        where = f"{name} {role} {pattern!r}"
        assert not any(ch in pattern for ch in "*?["), f"{where}: a glob, not one case"
        assert isinstance(entry, dict), f"{where}: unbounded"
        case = cases[pattern.removeprefix("render/")]
        named = set(entry.get("combination", {})) | {role}
        assert named == set(case.roles), f"{where}: names {named}, the case uses {case.roles}"
        assert isinstance(entry.get("max_pixels"), int), f"{where}: no pixel budget"
