"""Certification cannot be fooled: plugins with planted mistakes (an identity lie, a silent
no-op, a probe that paints the layer white, a kind with no examples that need a pixel pass)
fail the effect contract, by a check that names the params, and never pass by skipping."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from wavyte_conformance.effect_contract import EffectContract, TransitionContract
from wavyte_core.plugin import Effect, Margins, Param, Transition

#: The contract's own pixel checks (the backend matrix is exercised elsewhere).
CHECKS = [
    "test_declaration_and_schema_accept_defaults_and_examples",
    "test_bad_params_are_rejected_naming_the_param",
    "test_neutral_params_are_the_identity",
    "test_identity_claims_are_true",
    "test_draws_something_and_writes_every_pixel",
    "test_input_is_never_mutated",
    "test_output_is_premultiplied",
    "test_deterministic",
    "test_declared_bounds_are_respected",
]


def _outcomes(kind: type, tmp_path: Path, **attrs: object) -> dict[str, tuple[str, str]]:
    """Each check of the contract run on ``kind``: name → (passed|failed|skipped, message)."""
    cls = type("Contract", (EffectContract,), {"kind": kind, **attrs})
    out: dict[str, tuple[str, str]] = {}
    for name in CHECKS:
        try:
            getattr(cls(), name)(tmp_path)
        except AssertionError as exc:
            out[name] = ("failed", str(exc))
        except pytest.fail.Exception as exc:
            out[name] = ("failed", str(exc))
        except pytest.skip.Exception as exc:
            out[name] = ("skipped", str(exc))
        else:
            out[name] = ("passed", "")
    return out


class Sepia(Effect):
    """A correct kind: mixes towards sepia by ``amount``; identity at 0."""

    name = "planted.sepia"
    params = (Param("amount", "number", default=1.0, min=0, max=1),)

    def is_identity(self, p):  # noqa: ANN001, ANN201
        return p.amount == 0

    def apply(self, src, dst, p, ctx):  # noqa: ANN001, ANN201
        f = src.astype(np.float32)
        grey = f[..., :3].mean(axis=-1, keepdims=True)
        mixed = f[..., :3] * (1 - p.amount) + grey * p.amount * np.array([0.8, 0.95, 1.1])
        dst[..., :3] = np.minimum(np.rint(mixed), f[..., 3:4]).astype(np.uint8)
        dst[..., 3] = src[..., 3]


class IdentityLie(Sepia):
    """Claims identity below 0.5 — where it still changes pixels."""

    name = "planted.identity_lie"
    examples = ({"amount": 0.25},)  # every example "needs no pixel pass"

    def is_identity(self, p):  # noqa: ANN001, ANN201
        return p.amount < 0.5


class SilentNoOp(Sepia):
    """Never writes ``dst``."""

    name = "planted.silent_noop"

    def apply(self, src, dst, p, ctx):  # noqa: ANN001, ANN201
        pass


class DrawsNothing(Sepia):
    """Clears ``dst`` for every params."""

    name = "planted.draws_nothing"

    def apply(self, src, dst, p, ctx):  # noqa: ANN001, ANN201
        dst[:] = 0


class CopiesOnly(Sepia):
    """Not the identity by its own account, yet copies the input unchanged."""

    name = "planted.copies_only"

    def apply(self, src, dst, p, ctx):  # noqa: ANN001, ANN201
        dst[:] = src


class WhiteProbe(Effect):
    """Paints the layer white and says it is always the identity, without a neutral value:
    the case that used to pass 3 and skip 5."""

    name = "planted.white_probe"
    params = (Param("strength", "number", default=1.0, min=0, max=1),)

    def is_identity(self, p):  # noqa: ANN001, ANN201
        return True

    def apply(self, src, dst, p, ctx):  # noqa: ANN001, ANN201
        dst[:] = src[..., 3:4]  # opaque white where the layer is


class HalfWriter(Sepia):
    """Writes only the top half of ``dst``."""

    name = "planted.half_writer"

    def apply(self, src, dst, p, ctx):  # noqa: ANN001, ANN201
        h = dst.shape[0] // 2
        super().apply(src[:h], dst[:h], p, ctx)


def _failed(out: dict[str, tuple[str, str]]) -> dict[str, str]:
    return {k: msg for k, (st, msg) in out.items() if st == "failed"}


def test_a_correct_kind_passes_every_check_without_skipping(tmp_path: Path) -> None:
    out = _outcomes(Sepia, tmp_path, neutral_params={"amount": 0})
    assert {k: v for k, v in out.items() if v[0] != "passed"} == {}


def test_a_correct_kind_without_neutral_params_is_not_skipped(tmp_path: Path) -> None:
    out = _outcomes(Sepia, tmp_path)
    assert all(st == "passed" for st, _ in out.values()), out


def test_identity_lie_fails_naming_the_params(tmp_path: Path) -> None:
    out = _outcomes(IdentityLie, tmp_path)
    bad = _failed(out)
    assert "test_identity_claims_are_true" in bad, out
    assert '"amount": 0.25' in bad["test_identity_claims_are_true"]
    assert not any(st == "skipped" for st, _ in out.values()), out


def test_identity_lie_on_declared_neutral_params_fails(tmp_path: Path) -> None:
    out = _outcomes(IdentityLie, tmp_path, neutral_params={"amount": 0.25})
    assert "neutral params" in _failed(out)["test_neutral_params_are_the_identity"]


def test_silent_noop_fails(tmp_path: Path) -> None:
    bad = _failed(_outcomes(SilentNoOp, tmp_path))
    assert "does not write every pixel" in bad["test_draws_something_and_writes_every_pixel"]


def test_half_writer_fails(tmp_path: Path) -> None:
    bad = _failed(_outcomes(HalfWriter, tmp_path))
    assert "old content" in bad["test_draws_something_and_writes_every_pixel"]


def test_draws_nothing_fails(tmp_path: Path) -> None:
    bad = _failed(_outcomes(DrawsNothing, tmp_path))
    assert "draws nothing" in bad["test_draws_something_and_writes_every_pixel"]


def test_draws_nothing_is_allowed_when_declared(tmp_path: Path) -> None:
    out = _outcomes(DrawsNothing, tmp_path, may_clear=True)
    assert out["test_draws_something_and_writes_every_pixel"][0] == "passed", out


def test_copy_that_claims_to_do_something_fails(tmp_path: Path) -> None:
    bad = _failed(_outcomes(CopiesOnly, tmp_path))
    assert "no pixel changed" in bad["test_draws_something_and_writes_every_pixel"]


def test_white_probe_cannot_pass_by_skipping(tmp_path: Path) -> None:
    out = _outcomes(WhiteProbe, tmp_path)
    assert not any(st == "skipped" for st, _ in out.values()), out
    bad = _failed(out)
    assert "is_identity is true" in bad["test_identity_claims_are_true"]
    assert "no pixel pass could be certified" in bad["test_output_is_premultiplied"]


def test_declaration_error_fails_once_at_class_definition() -> None:
    class Broken(Effect):
        name = "NoNamespace"

        def apply(self, src, dst, p, ctx):  # noqa: ANN001, ANN201
            dst[:] = src

    with pytest.raises(TypeError, match="declaration is invalid.*namespaced"):
        type("TestBroken", (EffectContract,), {"kind": Broken})


class Offset(Effect):
    """Shifts the layer by ``dx`` but declares margins for positive offsets only; its
    examples (positive) pass every fixed check."""

    name = "planted.offset"
    params = (Param("dx", "int", default=4, min=-12, max=12, unit="px"),)
    examples = ({"dx": 4}, {"dx": 8})

    def margins(self, p):  # noqa: ANN001, ANN201
        return Margins(right=max(p.dx, 0))  # forgets the left side

    def is_identity(self, p):  # noqa: ANN001, ANN201
        return p.dx == 0

    def apply(self, src, dst, p, ctx):  # noqa: ANN001, ANN201
        dst[:] = 0
        w, k = src.shape[1], p.dx
        if k >= 0:
            dst[:, k:] = src[:, : w - k]
        else:
            dst[:, : w + k] = src[:, -k:]


class Overshoot(Sepia):
    """Correct at the examples; not premultiplied when ``amount`` is near its maximum."""

    name = "planted.overshoot"
    examples = ({"amount": 0.5},)

    def apply(self, src, dst, p, ctx):  # noqa: ANN001, ANN201
        super().apply(src, dst, p, ctx)
        if p.amount > 0.95:
            dst[..., :3] = 255


def test_examples_pass_but_the_sweep_finds_negative_offsets(tmp_path: Path) -> None:
    out = _outcomes(Offset, tmp_path)
    assert out["test_declared_bounds_are_respected"][0] == "passed"
    with pytest.raises(AssertionError, match=r'params \{"dx": -\d+\}.*outside content'):
        type("C", (EffectContract,), {"kind": Offset})().test_property_sweep_of_declared_ranges(
            tmp_path
        )


def test_the_sweep_reaches_the_edges_of_the_range_and_animates(tmp_path: Path) -> None:
    assert _outcomes(Overshoot, tmp_path)["test_output_is_premultiplied"][0] == "passed"
    with pytest.raises(AssertionError, match=r"amount.*colour > alpha"):
        type("C", (EffectContract,), {"kind": Overshoot})().test_property_sweep_of_declared_ranges(
            tmp_path
        )


def test_a_correct_kind_passes_the_sweep(tmp_path: Path) -> None:
    type("C", (EffectContract,), {"kind": Sepia})().test_property_sweep_of_declared_ranges(tmp_path)


class Slide(Transition):
    """Correct for ``dir: left`` (its only example); ``right`` never reaches B."""

    name = "planted.slide"
    params = (Param("dir", "enum", default="left", choices=("left", "right")),)

    def apply(self, a, b, dst, t, p, ctx):  # noqa: ANN001, ANN201
        w = a.shape[1]
        k = int(round(t * w)) if p.dir == "left" else int(t * w * 0.5)
        dst[:] = a
        dst[:, :k] = b[:, :k]


def test_transition_sweep_tries_every_choice(tmp_path: Path) -> None:
    c = type("C", (TransitionContract,), {"kind": Slide})()
    c.test_progress_0_is_a_and_1_is_b(tmp_path)  # the example alone passes
    with pytest.raises(AssertionError, match=r'"dir": "right".*progress 1'):
        c.test_property_sweep_of_declared_ranges(tmp_path)


def test_a_kind_that_is_not_installed_fails_once_at_class_definition() -> None:
    with pytest.raises(TypeError, match="effect kind 'nope.missing' is not installed"):
        type("TestMissing", (EffectContract,), {"kind": "nope.missing"})
    with pytest.raises(TypeError, match="transition kind 'nope.missing' is not installed"):
        type("TestMissing", (TransitionContract,), {"kind": "nope.missing"})
