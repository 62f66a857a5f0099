"""The certification contract can fail: deliberately broken kinds are caught by each check."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from wavyte_conformance.effect_contract import EffectContract, TransitionContract
from wavyte_core.plugin import Effect, Margins, Param, Transition


class _Base(Effect):
    params = (Param("amount", "number", default=1.0, min=0, max=1),)

    def apply(self, src, dst, p, ctx):  # noqa: ANN001, ANN201
        dst[:] = src


class PaintsEverywhere(_Base):
    name = "test.paints_everywhere"

    def apply(self, src, dst, p, ctx):  # noqa: ANN001, ANN201
        dst[:] = 255  # valid premultiplied white, but outside the (zero) margins


class NotPremultiplied(_Base):
    name = "test.not_premul"

    def apply(self, src, dst, p, ctx):  # noqa: ANN001, ANN201
        dst[:] = src
        dst[..., 3] //= 2


class MutatesInput(_Base):
    name = "test.mutates"

    def apply(self, src, dst, p, ctx):  # noqa: ANN001, ANN201
        src[..., 0] = 0  # the contract hands writable inputs to catch this
        dst[:] = src


class Random(_Base):
    name = "test.random"

    def apply(self, src, dst, p, ctx):  # noqa: ANN001, ANN201
        dst[:] = src
        dst[..., 3] = np.maximum(dst[..., 3], np.random.randint(0, 255))  # noqa: NPY002


class FalseIdentity(_Base):
    name = "test.false_identity"

    def apply(self, src, dst, p, ctx):  # noqa: ANN001, ANN201
        dst[:] = src // 2


class LiesAboutMargins(_Base):
    name = "test.lies_margins"

    def margins(self, p):  # noqa: ANN001, ANN201
        return Margins(right=1)

    def apply(self, src, dst, p, ctx):  # noqa: ANN001, ANN201
        dst[:] = 0
        dst[:, 3:] = src[:, :-3]  # shifts by 3 but declares 1


class LateSwitch(Transition):
    name = "test.late_switch"

    def apply(self, a, b, dst, t, p, ctx):  # noqa: ANN001, ANN201
        dst[:] = b if t > 0.99 and t < 1 else a  # at t == 1 still shows A


def _run(kind: type, method: str, tmp_path: Path, **attrs: object) -> None:
    base = TransitionContract if issubclass(kind, Transition) else EffectContract
    cls = type("T", (base,), {"kind": kind, **attrs})
    getattr(cls(), method)(tmp_path)


@pytest.mark.parametrize(
    ("kind", "method", "match", "attrs"),
    [
        (PaintsEverywhere, "test_declared_bounds_are_respected", "outside", {}),
        (LiesAboutMargins, "test_declared_bounds_are_respected", "outside", {}),
        (NotPremultiplied, "test_output_is_premultiplied", "colour > alpha", {}),
        (MutatesInput, "test_input_is_never_mutated", "modified", {}),
        (Random, "test_deterministic", "not deterministic", {}),
        (FalseIdentity, "test_neutral_params_are_the_identity", "neutral", {"neutral_params": {}}),
        (LateSwitch, "test_progress_0_is_a_and_1_is_b", "progress 1", {}),
    ],
)
def test_contract_catches_broken_kinds(
    kind: type, method: str, match: str, attrs: dict, tmp_path: Path
) -> None:
    with pytest.raises(AssertionError, match=match):
        _run(kind, method, tmp_path, **attrs)


def test_contract_passes_a_correct_kind(tmp_path: Path) -> None:
    _run(_OK, "test_declared_bounds_are_respected", tmp_path)
    _run(_OK, "test_bad_params_are_rejected_naming_the_param", tmp_path)


class _OK(_Base):
    name = "test.ok"
