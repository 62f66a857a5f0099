"""No silent fades for plugin transitions: an unknown namespaced kind is an error naming
its JSON path; a plugin transition with one side only, or sides whose windows, kinds or
params differ, loads (the format's pairing rule is unchanged) but is a warning in
``wavyte validate``, in `api.warnings_for` and in every render report (``render --json``).
The format's own un-namespaced kinds keep the 0.2 fallback to a fade."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.test_plugin_api import Plug, clip, doc, ident
from wavyte_core import api
from wavyte_core.errors import CompositionError
from wavyte_core.plugin.registry import Registry


@pytest.fixture(scope="module")
def reg() -> Registry:
    return Registry.build([("testfx", Plug())])


def spec(kind: str = "acme.reveal", dur: int = 4, **params: Any) -> dict:
    return {"kind": kind, "duration_frames": dur, "ease": "Linear", "params": params or None}


def two_clips(out: dict | None, inc: dict | None, b_start: int = 4) -> dict:
    d = doc([], frames=12)
    a = clip("a", "r", 0, 8, transform=ident(0, 0), transition_out=out)
    b = clip("b", "r", b_start, 12, transform=ident(16, 0), transition_in=inc)
    d["tracks"][0]["clips"] = [a, b]
    return d


def warnings(d: dict, reg: Registry) -> list[str]:
    return api.warnings_for(api.load(json.dumps(d), registry=reg), registry=reg)


def test_paired_plugin_transition_has_no_warning(reg: Registry) -> None:
    assert warnings(two_clips(spec(dir="right"), spec(dir="right")), reg) == []


def test_typo_in_a_namespaced_kind_is_an_error(reg: Registry) -> None:
    d = two_clips(spec("acme.reveel"), spec("acme.reveal"))
    with pytest.raises(CompositionError) as info:
        api.load(json.dumps(d), registry=reg)
    msg = str(info.value)
    assert "tracks[0].clips[0].transition_out.kind" in msg
    assert "unknown transition kind 'acme.reveel'" in msg and "acme.reveal" in msg


def test_unknown_unnamespaced_kind_keeps_the_fade_fallback(reg: Registry) -> None:
    d = two_clips(spec("fade"), spec("fade"))
    assert warnings(d, reg) == []  # 0.2: an unknown format kind is a plain fade, silently


def test_one_side_only_is_a_warning(reg: Registry) -> None:
    (w,) = warnings(two_clips(spec(), None), reg)
    assert w.startswith("tracks[0].clips[0].transition_out:")
    assert "no transition_in" in w and "plain fade" in w
    (w,) = warnings(two_clips(None, spec()), reg)
    assert w.startswith("tracks[0].clips[1].transition_in:") and "no transition_out" in w


def test_mismatched_params_are_a_warning(reg: Registry) -> None:
    (w,) = warnings(two_clips(spec(dir="right"), spec(dir="left")), reg)
    assert "does not pair" in w and "params differ" in w and "clips[1].transition_in" in w


def test_mismatched_windows_and_kinds_are_warnings(reg: Registry) -> None:
    (w,) = warnings(two_clips(spec(dur=4), spec(dur=3)), reg)
    assert "window" in w and "duration_frames" in w
    (w,) = warnings(two_clips(spec(), spec("crossfade")), reg)
    assert "'crossfade', not 'acme.reveal'" in w


def test_built_in_one_sided_transition_is_not_warned(reg: Registry) -> None:
    assert warnings(two_clips(spec("crossfade"), None), reg) == []


def test_render_report_carries_the_warning(reg: Registry, tmp_path: Path) -> None:
    d = two_clips(spec(dir="right"), spec(dir="left"))
    comp = api.load(json.dumps(d), registry=reg)
    with (
        pytest.warns(UserWarning, match="does not pair"),
        api.open_job(comp, registry=reg) as job,
    ):
        report = job.render(tmp_path / "out.gif")
    assert any("does not pair" in w for w in report.warnings)


def test_cli_validate_and_render_json(tmp_path: Path) -> None:
    """Through the CLI with an installed plugin (the repository's example, acme_fx)."""
    from wavyte_core.cli.main import app
    from wavyte_core.plugin.registry import default_registry

    kinds = [k for k in default_registry().transition_kinds() if "." in k]
    if not kinds:
        pytest.skip("no plugin transition kind installed")
    d = two_clips(spec(kinds[0]), None)
    d["assets"] = {"r": {"Path": {"svg_path_d": "M0,0 H16 V12 H0 Z"}}}
    path = tmp_path / "c.json"
    path.write_text(json.dumps(d))
    res = CliRunner().invoke(app, ["validate", str(path)])
    assert res.exit_code == 0, res.output
    assert "warning: tracks[0].clips[0].transition_out" in res.output
    assert "1 warning" in res.output
    res = CliRunner().invoke(
        app, ["render", str(path), "-o", str(tmp_path / "o.mp4"), "--json", "--quiet"]
    )
    assert res.exit_code == 0, res.output
    doc_ = json.loads(res.stdout[res.stdout.index("{") :])
    assert any("transition_out" in w for w in doc_["warnings"])
    d["tracks"][0]["clips"][0]["transition_out"]["kind"] = kinds[0] + "x"
    path.write_text(json.dumps(d))
    res = CliRunner().invoke(app, ["validate", str(path)])
    assert res.exit_code == 2 and "unknown transition kind" in res.output


def test_segmented_render_report_carries_the_warning(tmp_path: Path) -> None:
    """(Segment workers build their registry from entry points: an installed kind.)"""
    from wavyte_core.plugin.registry import default_registry
    from wavyte_core.run.executor import ExecutorOptions
    from wavyte_core.run.segments import render_in_segments

    kinds = [k for k in default_registry().transition_kinds() if "." in k]
    if not kinds:
        pytest.skip("no plugin transition kind installed")
    comp = api.load(json.dumps(two_clips(spec(kinds[0]), None)))
    with pytest.warns(UserWarning, match="no transition_in"):
        report = render_in_segments(
            comp, tmp_path / "o.mp4", options=ExecutorOptions(workers=1), segments=1
        )
    assert any("no transition_in" in w for w in report.warnings)
