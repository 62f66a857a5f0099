"""Certification of asset kinds: an abstract pytest class to subclass.

Any asset kind — a `wavyte_core.plugin.AssetKind` subclass, or the name of an installed
kind (``"Shape"`` included) — is certified by subclassing `AssetContract` in its own tests::

    from wavyte_conformance.asset_contract import AssetContract

    class TestBadge(AssetContract):
        kind = Badge                              # or "acme.badge" when installed
        example_params = [{}, {"width": 120}]     # default: the declared examples, else {}

What is checked (each a test): the declaration is valid, its examples are accepted by the
loader and by the JSON Schema; the defaults render (something is drawn); bad params
(generated from the declaration for flat kinds: wrong type, out of range, unknown name;
plus ``extra_bad_params``) are rejected with an error naming the param; rendering is
deterministic (two jobs, the same bytes); nothing is drawn outside the declared
``bounds`` (plus the anti-aliasing margin); every installed rasterizer × compositor draws
the same pictures within ``min_psnr_db`` (vector drawings are drawn natively by each
rasterizer: edges differ by anti-aliasing, not by content).

Override the ``assets_root`` fixture (default: ``tmp_path``) to provide the files the
kind's ``prepare`` reads.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from wavyte_core.errors import CompositionError
from wavyte_core.plugin import AssetKind
from wavyte_core.plugin.asset_host import asset_kind_spec, bind_asset
from wavyte_core.plugin.hookspecs import hookimpl
from wavyte_core.plugin.registry import Registry, default_registry
from wavyte_core.plugin.schema import asset_kind_schema, composition_schema
from wavyte_core.plugin.specs import AssetKindSpec

from .effect_contract import _combos, _render, bad_params_for
from .kind_cases import clip_json

__all__ = ["AssetContract", "psnr"]

W, H = 160, 120
AT = (24, 20)  # where the clip's local origin sits on the canvas
AA_MARGIN = 2


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """PSNR in dB over all four channels (inf for identical arrays)."""
    mse = float(((a.astype(np.float64) - b.astype(np.float64)) ** 2).mean())
    return float("inf") if mse == 0.0 else float(10.0 * np.log10(255.0**2 / mse))


class _Plug:
    def __init__(self, kind: type) -> None:
        self.kind = kind

    @hookimpl
    def wavyte_register_asset_kinds(self) -> list[type]:
        return [self.kind]


def _registry(kind: Any) -> Registry:
    installed = default_registry()
    if isinstance(kind, str):
        return installed
    spec = installed.asset_kinds.get(kind.name)
    if spec is not None and spec.kind is kind:
        return installed
    return Registry.build([("contract-subject", _Plug(kind))])


def _doc(name: str, params: list[dict[str, Any]], frames: int = 2) -> dict:
    """Each params set as its own asset and clip, every clip at `AT` on its own track."""
    return {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": W, "height": H},
        "duration": frames,
        "assets": {f"a{i}": {name: p} for i, p in enumerate(params)},
        "tracks": [
            {"name": f"t{i}", "z_base": i, "clips": [clip_json(f"c{i}", f"a{i}", 0, frames, *AT)]}
            for i in range(len(params))
        ],
        "seed": 7,
    }


class AssetContract:
    """What every asset kind must do. Set ``kind``; see the module docstring."""

    kind: ClassVar[Any]
    #: Params every check runs with (None: the declared ``examples``, else ``[{}]``).
    example_params: ClassVar[list[dict[str, Any]] | None] = None
    #: More params that must be rejected, each with the name the error must mention.
    extra_bad_params: ClassVar[list[tuple[dict[str, Any], str]]] = []
    #: Smallest PSNR (dB) between backend combinations, per frame.
    min_psnr_db: ClassVar[float] = 35.0

    @pytest.fixture
    def assets_root(self, tmp_path: Path) -> Path:
        return tmp_path

    @property
    def spec(self) -> AssetKindSpec:
        kind = type(self).kind
        if isinstance(kind, str):
            spec = default_registry().asset_kinds.get(kind)
            if spec is None:
                pytest.fail(f"asset kind '{kind}' is not installed")
            return spec
        return asset_kind_spec(kind, first_party=not _namespaced(kind.name))

    @property
    def examples(self) -> list[dict[str, Any]]:
        if self.example_params is not None:
            return [dict(p) for p in self.example_params]
        return [dict(e) for e in (self.spec.examples or ({},))]

    def _render(self, params: list[dict[str, Any]], root: Path, r: str, c: str) -> list:
        reg = _registry(type(self).kind)
        return _render(_doc(self.spec.name, params), reg, root, [0, 1], r, c)

    def _one_combo(self) -> tuple[str, str]:
        combos = _combos(_registry(type(self).kind))
        if not combos:
            pytest.skip("no rasterizer × compositor installed")
        return ("skia", "skia") if ("skia", "skia") in combos else combos[0]

    # ------------------------------------------------------------------ tests

    def test_declaration_and_schema_accept_examples(self) -> None:
        spec = self.spec
        assert issubclass(spec.kind, AssetKind)
        assert spec.description, "declare a one-line description"
        jsonschema = pytest.importorskip("jsonschema")
        reg = _registry(type(self).kind)
        whole = composition_schema(reg)
        schema = {**asset_kind_schema(spec, whole["$defs"]), "$defs": whole["$defs"]}
        validator = jsonschema.Draft202012Validator(schema)
        for i, p in enumerate(self.examples):
            bind_asset(spec, p, f"examples[{i}]")
            errors = list(validator.iter_errors(p))
            assert not errors, f"example {p} rejected by the schema: {errors[0].message}"

    def test_defaults_render(self, assets_root: Path) -> None:
        r, c = self._one_combo()
        base = self.examples[0] if any(p.required for p in self.spec.params) else {}
        frame = self._render([base], assets_root, r, c)[0]
        assert int(frame[..., 3].max()) > 0, "the defaults draw nothing"

    def test_bad_params_are_rejected_naming_the_param(self, assets_root: Path) -> None:
        from wavyte_core import api

        spec = self.spec
        reg = _registry(type(self).kind)
        base = self.examples[0]
        cases = list(self.extra_bad_params)
        if not spec.structured:  # generated from the declaration
            cases += [c for c in bad_params_for(spec, base) if c[1] != "__unknown_param__"]
        cases.append(({**base, "__unknown_param__": 1}, "__unknown_param__"))
        assert cases, "no bad params to try: declare extra_bad_params"
        for params, name in cases:
            with pytest.raises(CompositionError) as ei:
                api.load(json.dumps(_doc(spec.name, [params])), registry=reg)
            msg = f"{ei.value.path}: {ei.value.rule}"
            assert name in msg, f"{params}: the error does not name '{name}': {msg}"

    def test_deterministic(self, assets_root: Path) -> None:
        r, c = self._one_combo()
        a = self._render(self.examples, assets_root, r, c)
        b = self._render(self.examples, assets_root, r, c)
        for fa, fb in zip(a, b, strict=True):
            assert np.array_equal(fa, fb), "two renders of the same params differ"

    def test_draws_inside_declared_bounds(self, assets_root: Path) -> None:
        r, c = self._one_combo()
        spec = self.spec
        for p in self.examples:
            bound = bind_asset(spec, p, "params")
            kind = spec.kind()
            from wavyte_core.plugin.asset_kinds import PrepareContext

            ctx = PrepareContext("a0", "params", assets_root, (W, H), 30.0, bound.seed)
            size = kind.prepare(bound.first, ctx)
            box = kind.bounds(bound.first, (float(size[0]), float(size[1])))
            if box is None:
                continue
            frame = self._render([p], assets_root, r, c)[0]
            x0 = max(int(np.floor(box[0] + AT[0])) - AA_MARGIN, 0)
            y0 = max(int(np.floor(box[1] + AT[1])) - AA_MARGIN, 0)
            x1 = min(int(np.ceil(box[2] + AT[0])) + AA_MARGIN, W)
            y1 = min(int(np.ceil(box[3] + AT[1])) + AA_MARGIN, H)
            alpha = frame[..., 3].copy()
            alpha[y0:y1, x0:x1] = 0
            n = int((alpha > 0).sum())
            assert n == 0, f"{p}: {n} pixels drawn outside the declared bounds {box}"

    def test_same_pixels_on_every_backend(self, assets_root: Path) -> None:
        combos = _combos(_registry(type(self).kind))
        if len(combos) < 2:
            pytest.skip("fewer than two rasterizer × compositor combinations installed")
        ref: dict[int, tuple[str, str, list]] = {}
        for r, c in combos:
            for i, p in enumerate(self.examples):
                frames = self._render([p], assets_root, r, c)
                if i not in ref:
                    ref[i] = (r, c, frames)
                    continue
                for f, (a, b) in enumerate(zip(ref[i][2], frames, strict=True)):
                    q = psnr(a, b)
                    assert q >= self.min_psnr_db, (
                        f"{p} frame {f}: {r}+{c} vs {ref[i][0]}+{ref[i][1]}: {q:.1f} dB"
                    )


def _namespaced(name: str) -> bool:
    return "." in name
