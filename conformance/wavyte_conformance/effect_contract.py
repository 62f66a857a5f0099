"""Certification of effect and transition kinds: abstract pytest classes to subclass.

Any effect or transition — a `wavyte_core.plugin.Effect`/`Transition` subclass, or the
name of an installed kind (built-ins included) — is certified by subclassing one class in
its own tests (the fsspec / pandas-extension pattern: nothing is copied)::

    from wavyte_conformance.effect_contract import EffectContract, TransitionContract

    class TestTint(EffectContract):
        kind = Tint                               # or "acme.tint" when installed
        neutral_params = {"amount": 0}            # must be the identity (None: none)
        example_params = [{}, {"amount": 1}]      # exercised by every check

    class TestReveal(TransitionContract):
        kind = Reveal
        example_params = [{}, {"dir": "right"}]

What is checked (each a test): the declaration is valid and its JSON Schema too, defaults
and examples are accepted by both; bad params (generated from the declaration: wrong type,
out of range, unknown name) are rejected with an error naming the param, by the loader and
by the schema; neutral params are the identity; the input is never mutated; the output is
premultiplied (each colour <= alpha); results are deterministic; nothing is drawn outside
the input's content grown by the declared margins, and restricting the work to that box
changes nothing; transitions show exactly A at progress 0 and exactly B at 1; a composition
using the kind renders the same pixels on every installed rasterizer × compositor.

Override the ``assets_root`` fixture (default: ``tmp_path``) to provide files ``setup``
reads, e.g. a LUT.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from wavyte_core.errors import CompositionError
from wavyte_core.plugin import Effect, SetupContext, Transition
from wavyte_core.plugin.hookspecs import hookimpl
from wavyte_core.plugin.host import bind_effect, bind_transition, effect_spec, transition_spec
from wavyte_core.plugin.registry import Registry, default_registry
from wavyte_core.plugin.roles import Surface
from wavyte_core.plugin.schema import params_schema
from wavyte_core.plugin.specs import EffectKindSpec, TransitionKindSpec
from wavyte_core.render.compositor_numpy import NumpyCompositor

from .contract import random_premul
from .kind_cases import clip_json, comp_json, rgba_pattern
from .param_gen import describe_params, edge_params, params_strategy
from .pngio import write_rgba_png

__all__ = ["EffectContract", "TransitionContract", "bad_params_for"]

W, H = 64, 48
CONTENT = (20, 14, 40, 32)  # where the bounds test puts the layer's content
SEED = 1234


# ----------------------------------------------------------------------- helpers


def _spec(kind: Any, role: str) -> Any:
    if isinstance(kind, str):
        table = default_registry().effects if role == "effect" else default_registry().transitions
        spec = table.get(kind.strip().lower())
        if spec is None:
            pytest.fail(f"{role} kind '{kind}' is not installed")
        return spec
    return effect_spec(kind) if role == "effect" else transition_spec(kind)


def _is_plugin(spec: Any) -> bool:
    return (
        getattr(spec, "effect", None) is not None or getattr(spec, "transition", None) is not None
    )


def _ctx(root: Path | None) -> SetupContext:
    return SetupContext((W, H), 30.0, SEED, "params", root)


def bad_params_for(spec: Any, base: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    """Params that must be rejected, each with the name the error must mention: a value
    of the wrong type and values just beyond the declared range for every param, plus an
    unknown param (plugin kinds only; the format ignores unknown keys of built-ins)."""
    out: list[tuple[dict[str, Any], str]] = []
    wrong = {
        "number": "x",
        "int": 1.5,
        "bool": "yes",
        "colour": [300, 0, 0],
        "enum": "__not_a_choice__",
        "point": [1],
        "string": 5,
        "matrix": [1, 2],
    }
    for p in spec.params:
        out.append(({**base, p.name: wrong[p.type]}, p.name))
        if p.type in ("number", "int"):
            if p.min is not None:
                low = p.min if p.min_exclusive else p.min - 1
                out.append(({**base, p.name: int(low) if p.type == "int" else low}, p.name))
            if p.max is not None:
                high = p.max if p.max_exclusive else p.max + 1
                out.append(({**base, p.name: int(high) if p.type == "int" else high}, p.name))
    if _is_plugin(spec):
        out.append(({**base, "__unknown_param__": 1}, "__unknown_param__"))
    return out


def _validator(spec: Any) -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    defs: dict[str, Any] = {}
    schema = params_schema(spec, defs)
    return jsonschema.Draft202012Validator({**schema, "$defs": defs})


class _Plug:
    """A pluggy plugin object registering the kind under test (when not installed)."""

    def __init__(self, kind: type) -> None:
        self.kind = kind

    @hookimpl
    def wavyte_register_effects(self) -> list[type]:
        return [self.kind] if issubclass(self.kind, Effect) else []

    @hookimpl
    def wavyte_register_transitions(self) -> list[type]:
        return [self.kind] if issubclass(self.kind, Transition) else []


def _registry(kind: Any) -> Registry:
    if isinstance(kind, str):
        return default_registry()
    installed = default_registry()
    table = installed.effects if issubclass(kind, Effect) else installed.transitions
    spec = table.get(kind.name.strip().lower())
    cls = getattr(spec, "effect" if issubclass(kind, Effect) else "transition", None)
    if spec is not None and cls is kind:
        return installed
    return Registry.build([("contract-subject", _Plug(kind))])


def _combos(reg: Registry) -> list[tuple[str, str]]:
    return [(r, c) for r in reg.available("rasterizer") for c in reg.available("compositor")]


def _decoder(reg: Registry) -> str:
    names = reg.available("decoder")
    if not names:
        pytest.skip("no decoder installed")
    return "pyav" if "pyav" in names else names[0]


def _image(root: Path, rgba: np.ndarray, name: str) -> str:
    write_rgba_png(root / name, rgba)
    return name


def _render(doc: dict, reg: Registry, root: Path, frames: list[int], r: str, c: str) -> list:
    from wavyte_core.format.load import loads_composition
    from wavyte_core.run.job import Backends, Job

    comp = loads_composition(json.dumps(doc))
    job = Job(
        comp,
        assets_root=root,
        backends=Backends(r, c, _decoder(reg), "null"),
        background=None,
        registry=reg,
    )
    try:
        out = []
        for f in frames:
            s = job.new_surface()
            job.render_into(job.evaluator.evaluate(f), s)
            out.append(s.buf.copy())
        return out
    finally:
        job.close()


def _maxdiff(a: np.ndarray, b: np.ndarray) -> int:
    return int(np.abs(a.astype(np.int16) - b.astype(np.int16)).max()) if a.size else 0


# ----------------------------------------------------------------------- effects


def _check_at_collection(cls: type, role: str) -> None:
    """Compile a kind class's declaration when the test class is defined, so a declaration
    error fails once, at collection (naming the kind), not in every test."""
    kind = cls.__dict__.get("kind")
    if kind is None:
        return
    if isinstance(kind, str):
        reg = default_registry()
        table = reg.effects if role == "effect" else reg.transitions
        if kind.strip().lower() not in table:
            have = ", ".join(reg.effect_kinds() if role == "effect" else reg.transition_kinds())
            raise TypeError(
                f"{cls.__name__}: {role} kind '{kind}' is not installed (installed: {have})"
                + reg.not_loaded()
            )
        return
    try:
        effect_spec(kind) if role == "effect" else transition_spec(kind)
    except ValueError as exc:
        raise TypeError(
            f"{cls.__name__}: the {role} kind's declaration is invalid: {exc}"
        ) from None


class EffectContract:
    """What every effect kind must do. Set ``kind``; see the module docstring.

    Plugin kinds are never certified by skipping: when none of the examples makes a pixel
    pass, params generated from the declaration (each param at the edges of its range) are
    used, and when none of those does either, the pixel checks fail with the reason. Each
    ``is_identity`` claim is checked by applying the kind anyway. Built-in kinds that fold
    into opacity or transform have no pixel pass and skip the pixel checks (the render
    checks cover them)."""

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        _check_at_collection(cls, "effect")

    kind: ClassVar[Any]
    #: Params that must leave every pixel unchanged (None: the kind has none).
    neutral_params: ClassVar[dict[str, Any] | None] = None
    #: Params every check runs with (None: the kind's declared ``examples``, else ``[{}]``,
    #: the defaults).
    example_params: ClassVar[list[dict[str, Any]] | None] = None
    #: Extra ``(params, name)`` pairs that must be rejected naming ``name``.
    extra_bad_params: ClassVar[list[tuple[dict[str, Any], str]]] = []
    #: True when the output depends on where the content box is (e.g. rounded corners of
    #: the layer's content): then only "nothing outside the grown box" is checked, not
    #: "a whole-canvas run gives the same pixels".
    uses_content_box: ClassVar[bool] = False
    #: Allowed difference between backend combinations: 0 for pixel effects (numpy work
    #: on the same input); built-ins that fold into opacity use each backend's blend math.
    backend_max_diff: ClassVar[int] = 0
    #: True when some params legitimately make every pixel transparent (an "erase" or a
    #: mask with nothing inside); otherwise an all-transparent output of a non-empty layer
    #: for non-identity params is reported as a kind that draws nothing.
    may_clear: ClassVar[bool] = False
    #: Random params per run of the property sweep (Hypothesis ``max_examples``).
    sweep_examples: ClassVar[int] = 15
    #: Clip frames an animated sweep samples (keyframes run from frame 0 to the last).
    sweep_frames: ClassVar[tuple[int, ...]] = (0, 3, 8)

    @pytest.fixture
    def assets_root(self, tmp_path: Path) -> Path:
        return tmp_path

    # -- plumbing --------------------------------------------------------------------

    @property
    def spec(self) -> EffectKindSpec:
        return _spec(type(self).kind, "effect")

    @property
    def examples(self) -> list[dict[str, Any]]:
        given = type(self).example_params
        return list(given) if given is not None else [dict(e) for e in self.spec.examples] or [{}]

    def passes(self, params: Any, root: Path | None, frame: int = 0) -> tuple:
        """The pixel passes the core runs for ``params`` at clip frame ``frame``."""
        spec = self.spec
        if spec.effect is not None:
            op = bind_effect(spec, params, "params", _ctx(root))
            p = op.pixel_at(frame) if op.pixel_at is not None else op.pixel
        else:
            try:
                p = spec.parse(params).pixel  # type: ignore[misc]
            except ValueError as exc:
                raise CompositionError("params", str(exc)) from None
        return () if p is None else (p,)

    @staticmethod
    def run(passes: tuple, src: np.ndarray, bounds: Any) -> np.ndarray:
        comp = NumpyCompositor()
        s = Surface(src.copy())
        s.bounds = bounds
        for fx in passes:
            out = Surface.alloc(src.shape[1], src.shape[0])
            out.buf[:] = 77  # stale content: the pass must overwrite or clear it
            fx.apply(comp, s, out)
            s = out
        return s.buf

    def _inputs(self) -> list[tuple[np.ndarray, Any]]:
        rng = np.random.default_rng(SEED)
        full = random_premul(rng, H, W)
        full[5:12, 5:30] = 0  # a transparent region
        boxed = np.zeros((H, W, 4), np.uint8)
        x0, y0, x1, y1 = CONTENT
        boxed[y0:y1, x0:x1] = random_premul(rng, y1 - y0, x1 - x0)
        return [(full, None), (boxed, CONTENT)]

    @property
    def is_plugin(self) -> bool:
        return self.spec.effect is not None

    def candidates(self) -> list[dict[str, Any]]:
        """The examples, the neutral params, the defaults and each param at the edges of
        its declared range (see `param_gen.edge_params`)."""
        base = dict(self.examples[0])
        out = [*self.examples]
        if self.neutral_params is not None:
            out.append(dict(self.neutral_params))
        for c in edge_params(self.spec.params, base):
            if c not in out:
                out.append(c)
        return out

    def instance(self, params: Any, root: Path | None) -> tuple[Effect, Any] | None:
        """A plugin kind instantiated and set up for ``params`` at frame 0, with the
        evaluated params; None when the params are rejected (a generated combination the
        kind refuses, e.g. by its ``setup``)."""
        spec = self.spec
        assert spec.effect is not None and spec.param_set is not None
        try:
            bound = spec.param_set.bind(params, "params", seed=SEED)
            fx = spec.effect()
            fx.setup(bound.first, _ctx(root))
        except (CompositionError, ValueError):
            return None
        return fx, bound.first

    @staticmethod
    def apply_anyway(
        fx: Effect, p: Any, src: np.ndarray, bounds: Any, stale: int = 77, frame: int = 0
    ) -> np.ndarray:
        """``fx`` applied through the core's pass, whatever its ``is_identity`` says, into
        a destination holding ``stale`` bytes (which the kind must overwrite)."""
        from wavyte_core.plugin.host import PluginEffectPass

        fxp = PluginEffectPass(fx, p, fx.margins(p), frame, SEED, (W, H))
        s = Surface(src.copy())
        s.bounds = bounds
        out = Surface.alloc(W, H)
        out.buf[:] = stale
        fxp.apply(NumpyCompositor(), s, out)
        return out.buf

    def pixel_params(self, root: Path) -> list[dict[str, Any]]:
        """The params the pixel checks run with: the examples when one of them makes a
        pixel pass; for plugin kinds otherwise the generated candidates that make one,
        and a failure naming the reason when none does. Built-in kinds without a pixel
        pass (they fold into opacity/transform) skip."""
        if any(self.passes(p, root) for p in self.examples):
            return list(self.examples)
        if not self.is_plugin:
            pytest.skip(
                f"'{self.spec.name}' has no pixel pass (it folds into opacity/transform); "
                "the render checks cover it"
            )
        found = []
        for c in self.candidates():
            try:
                if self.passes(c, root):
                    found.append(c)
            except CompositionError:
                continue
        if not found:
            pytest.fail(
                f"'{self.spec.name}': is_identity is true for every example and for every "
                "param at the edges of its declared range, so no pixel pass could be "
                "certified (a kind must change pixels for some params; fix is_identity or "
                "give example_params that do something)",
                pytrace=False,
            )
        return found

    def _pixel_kind(self, root: Path) -> None:
        self.pixel_params(root)

    # -- property sweep --------------------------------------------------------------

    def test_property_sweep_of_declared_ranges(self, assets_root: Path) -> None:
        """Random params within the declared ranges and choices (edges weighted in),
        animatable params keyframed and sampled at several frames: every result is
        premultiplied, inside content + margins (negative offsets included), the same on
        the content box as on the whole canvas, deterministic, leaves the input alone, and
        honours ``is_identity``. A failure prints the params that broke it."""
        from hypothesis import HealthCheck, assume, given, note, settings

        spec = self.spec
        base = dict(self.examples[0])
        last = max(self.sweep_frames)
        rng = np.random.default_rng(SEED + 2)
        boxed = np.zeros((H, W, 4), np.uint8)
        x0, y0, x1, y1 = CONTENT
        boxed[y0:y1, x0:x1] = random_premul(rng, y1 - y0, x1 - x0)

        @settings(
            max_examples=self.sweep_examples,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(params_strategy(spec.params, base, animate=True, frames=last))
        def sweep(params: dict[str, Any]) -> None:
            note(f"params: {describe_params(params)}")
            try:
                made = [(f, self.passes(params, assets_root, f)) for f in self.sweep_frames]
            except CompositionError:
                assume(False)  # refused by the kind (e.g. its setup): not a result
                return
            for f, passes in made:
                where = f"params {describe_params(params)} at frame {f}"
                before = boxed.copy()
                box = CONTENT
                for fx in passes:
                    box = fx.grow(box, W, H)
                whole = self.run(passes, boxed, None)
                local = self.run(passes, boxed, CONTENT)
                assert np.array_equal(boxed, before), f"{where}: the input was modified"
                bad = int((whole[..., :3] > whole[..., 3:4]).any(axis=-1).sum())
                assert bad == 0, f"{where}: {bad} pixels have colour > alpha"
                bx0, by0, bx1, by1 = box
                outside = whole.copy()
                outside[by0:by1, bx0:bx1] = 0
                n = int(outside.any(axis=-1).sum())
                assert n == 0, f"{where}: {n} pixels drawn outside content + margins {box}"
                if not self.uses_content_box:
                    assert _maxdiff(local, whole) == 0, (
                        f"{where}: the content box gives different pixels than the whole canvas"
                    )
                again = self.run(self.passes(params, assets_root, f), boxed, CONTENT)
                assert np.array_equal(again, local), f"{where}: not deterministic"
                if not passes and self.is_plugin:  # is_identity said so: check it
                    made_fx = self.instance(params, assets_root)
                    if made_fx is not None:
                        fx_, _ = made_fx
                        p = spec.param_set.bind(params, "params", seed=SEED)  # type: ignore[union-attr]
                        pf = p.sample(f) if p.sample is not None else p.first
                        out = self.apply_anyway(fx_, pf, boxed, CONTENT, frame=f)
                        assert np.array_equal(out, boxed), (
                            f"{where}: is_identity is true but applying changes pixels"
                        )

        sweep()

    # -- declaration -----------------------------------------------------------------

    def test_declaration_and_schema_accept_defaults_and_examples(self, assets_root: Path) -> None:
        spec = self.spec
        v = _validator(spec)
        jsonschema = pytest.importorskip("jsonschema")
        jsonschema.Draft202012Validator.check_schema(v.schema)
        examples = list(self.examples)
        if not any(p.required for p in spec.params):
            examples.append({})
        for params in examples:
            errors = [e.message for e in v.iter_errors(params)]
            assert not errors, f"schema rejects {params}: {errors}"
            self.passes(params, assets_root)  # binds and sets up without error
            self.passes(params, None)  # validation-only mode (wavyte validate)

    def test_bad_params_are_rejected_naming_the_param(self, assets_root: Path) -> None:
        spec = self.spec
        base = dict(self.examples[0])
        v = _validator(spec)
        cases = bad_params_for(spec, base) + list(self.extra_bad_params)
        assert cases, "no params to test"
        for params, name in cases:
            with pytest.raises(CompositionError) as info:
                self.passes(params, assets_root)
            assert name in str(info.value), f"{params}: error does not name '{name}': {info.value}"
            assert "\n" not in str(info.value)
            if _is_plugin(spec) or spec.json_schema is not None:
                assert not v.is_valid(params), f"schema accepts bad params {params}"

    # -- pixels ----------------------------------------------------------------------

    def test_neutral_params_are_the_identity(self, assets_root: Path) -> None:
        if self.neutral_params is None:
            if not self.is_plugin:
                pytest.skip("the built-in kind declares no neutral params")
            # No neutral params declared: every identity claim over the generated params
            # is checked instead (test_identity_claims_are_true), and this check makes
            # sure such a kind still exercises pixels.
            assert self.pixel_params(assets_root)
            return
        if self.is_plugin:  # applied even when is_identity says to skip it
            made = self.instance(self.neutral_params, assets_root)
            assert made is not None, f"neutral params {self.neutral_params} are rejected"
            fx, p = made
            for src, bounds in self._inputs():
                out = self.apply_anyway(fx, p, src, bounds)
                assert np.array_equal(out, src), (
                    f"neutral params {describe_params(self.neutral_params)} changed pixels "
                    f"(max diff {_maxdiff(out, src)})"
                )
        passes = self.passes(self.neutral_params, assets_root)
        for src, bounds in self._inputs():
            out = self.run(passes, src, bounds)
            assert np.array_equal(out, src), (
                f"neutral params changed pixels (max diff {_maxdiff(out, src)})"
            )

    def test_identity_claims_are_true(self, assets_root: Path) -> None:
        """Wherever ``is_identity`` says the params change nothing (so renders skip the
        pass), applying the kind must indeed leave every pixel unchanged."""
        if not self.is_plugin:
            pytest.skip("built-in kinds have no is_identity to check (their rules are fixed)")
        claimed = 0
        for params in self.candidates():
            made = self.instance(params, assets_root)
            if made is None:
                continue
            fx, p = made
            if not fx.is_identity(p):
                continue
            claimed += 1
            for src, bounds in self._inputs():
                out = self.apply_anyway(fx, p, src, bounds)
                assert np.array_equal(out, src), (
                    f"is_identity is true for params {describe_params(params)} but applying "
                    f"them changes pixels (max diff {_maxdiff(out, src)}): renders would "
                    "silently drop the effect"
                )

    def test_draws_something_and_writes_every_pixel(self, assets_root: Path) -> None:
        """For params that are not the identity, the kind writes every pixel of ``dst``
        (stale destination content never shows through), does not erase a non-empty layer
        (unless ``may_clear``), and changes some pixel for at least one of the params."""
        if not self.is_plugin:
            pytest.skip("built-in pixel passes are checked against the format's vectors")
        changed = False
        for params in self.pixel_params(assets_root):
            made = self.instance(params, assets_root)
            if made is None:
                continue
            fx, p = made
            if fx.is_identity(p):
                continue
            for src, bounds in self._inputs():
                a = self.apply_anyway(fx, p, src, bounds, stale=77)
                b = self.apply_anyway(fx, p, src, bounds, stale=201)
                assert np.array_equal(a, b), (
                    f"params {describe_params(params)}: apply does not write every pixel of "
                    f"dst ({int((a != b).any(axis=-1).sum())} pixels keep the destination's "
                    "old content)"
                )
                if src[..., 3].any() and not a[..., 3].any() and not self.may_clear:
                    pytest.fail(
                        f"params {describe_params(params)} are not the identity but the "
                        "output is fully transparent: the kind draws nothing (set "
                        "may_clear if erasing is intended)",
                        pytrace=False,
                    )
                changed = changed or not np.array_equal(a, src)
        assert changed, (
            f"'{self.spec.name}': no pixel changed for any of the params tried "
            f"({len(self.pixel_params(assets_root))} sets, none declared identity): the kind "
            "draws nothing"
        )

    def test_input_is_never_mutated(self, assets_root: Path) -> None:
        for params in self.pixel_params(assets_root):
            for src, bounds in self._inputs():
                before = src.copy()
                for fx in self.passes(params, assets_root):
                    s = Surface(src)
                    s.bounds = bounds
                    out = Surface.alloc(W, H)
                    if hasattr(fx, "fx"):  # a plugin pass: call apply with writable arrays
                        from wavyte_core.plugin import EffectContext

                        x0, y0, x1, y1 = box = fx.grow(bounds, W, H)
                        fx.fx.apply(
                            src[y0:y1, x0:x1],
                            out.buf[y0:y1, x0:x1],
                            fx.params,
                            EffectContext(box, (0, 0, x1 - x0, y1 - y0), (W, H), 0, SEED),
                        )
                    else:
                        fx.apply(NumpyCompositor(), s, out)
                assert np.array_equal(src, before), f"{params}: the input was modified"

    def test_output_is_premultiplied(self, assets_root: Path) -> None:
        for params in self.pixel_params(assets_root):
            for src, bounds in self._inputs():
                out = self.run(self.passes(params, assets_root), src, bounds)
                assert out.dtype == np.uint8 and out.shape == src.shape
                bad = int((out[..., :3] > out[..., 3:4]).any(axis=-1).sum())
                assert bad == 0, f"{params}: {bad} pixels have colour > alpha"

    def test_deterministic(self, assets_root: Path) -> None:
        for params in self.pixel_params(assets_root):
            for src, bounds in self._inputs():
                a = self.run(self.passes(params, assets_root), src, bounds)
                b = self.run(self.passes(params, assets_root), src, bounds)
                passes = self.passes(params, assets_root)
                c = self.run(passes, src, bounds)
                d = self.run(passes, src, bounds)
                same = np.array_equal(a, b) and np.array_equal(c, d) and np.array_equal(a, c)
                assert same, f"{params}: not deterministic (same input, different pixels)"

    def test_declared_bounds_are_respected(self, assets_root: Path) -> None:
        rng = np.random.default_rng(SEED + 1)
        src = np.zeros((H, W, 4), np.uint8)
        x0, y0, x1, y1 = CONTENT
        src[y0:y1, x0:x1] = random_premul(rng, y1 - y0, x1 - x0, opaque=True)
        for params in self.pixel_params(assets_root):
            passes = self.passes(params, assets_root)
            box = CONTENT
            for fx in passes:
                box = fx.grow(box, W, H)
            whole = self.run(passes, src, None)  # the effect sees the whole canvas
            bx0, by0, bx1, by1 = box
            outside = whole.copy()
            outside[by0:by1, bx0:bx1] = 0
            n = int(outside.any(axis=-1).sum())
            assert n == 0, f"{params}: {n} pixels drawn outside content + declared margins {box}"
            if not self.uses_content_box:
                local = self.run(passes, src, CONTENT)  # the renderer's usual case
                assert _maxdiff(local, whole) == 0, (
                    f"{params}: working on the content box gives different pixels than on the "
                    "whole canvas (set uses_content_box if that is intended)"
                )

    def test_same_pixels_on_every_backend(self, assets_root: Path) -> None:
        reg = _registry(type(self).kind)
        combos = _combos(reg)
        if len(combos) < 2:
            pytest.skip("fewer than two rasterizer × compositor combinations installed")
        _image(assets_root, rgba_pattern(16, 20, SEED), "contract_layer.png")
        effects = [{"kind": self.spec.name, "params": p} for p in self.examples]
        clips = [  # side by side, not overlapping: the frame is the layers' pixels
            clip_json(f"c{i}", "img", 0, 2, 2 + 32 * (i % 2), 2 + 24 * (i // 2), effects=[fx])
            for i, fx in enumerate(effects[:4])
        ]
        doc = comp_json((W, H), {"img": "contract_layer.png"}, [clips], 2)
        ref = None
        for r, c in combos:
            frames = _render(doc, reg, assets_root, [0, 1], r, c)
            if ref is None:
                ref = (r, c, frames)
                continue
            for f, (a, b) in enumerate(zip(ref[2], frames, strict=True)):
                d = _maxdiff(a, b)
                assert d <= self.backend_max_diff, (
                    f"frame {f}: {r}+{c} differs from {ref[0]}+{ref[1]} by {d}"
                )


# ----------------------------------------------------------------------- transitions


class TransitionContract:
    """What every transition kind must do. Set ``kind``; see the module docstring."""

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        _check_at_collection(cls, "transition")

    kind: ClassVar[Any]
    example_params: ClassVar[list[dict[str, Any]] | None] = None
    extra_bad_params: ClassVar[list[tuple[dict[str, Any], str]]] = []
    #: Allowed difference between backend combinations (0 for plugin kinds: their pixels
    #: are numpy; built-in blends run on each compositor's native math).
    backend_max_diff: ClassVar[int] = 0
    #: Random params per run of the property sweep (Hypothesis ``max_examples``).
    sweep_examples: ClassVar[int] = 15

    @pytest.fixture
    def assets_root(self, tmp_path: Path) -> Path:
        return tmp_path

    @property
    def spec(self) -> TransitionKindSpec:
        return _spec(type(self).kind, "transition")

    @property
    def examples(self) -> list[dict[str, Any]]:
        given = type(self).example_params
        return list(given) if given is not None else [dict(e) for e in self.spec.examples] or [{}]

    def bound(self, params: Any, root: Path | None) -> Any:
        spec = self.spec
        if spec.transition is not None:
            return bind_transition(spec, params, "params", _ctx(root))
        return spec.parse(params)  # type: ignore[misc]

    def composite(self, tr: Any, a: np.ndarray, b: np.ndarray, t: float, bounds: Any) -> np.ndarray:
        sa, sb = Surface(a), Surface(b)
        sa.bounds = sb.bounds = bounds
        dst = Surface.alloc(W, H)
        tr.composite(NumpyCompositor(), dst, sa, sb, t)
        return dst.buf

    def _pairs(self) -> list[tuple[np.ndarray, np.ndarray, Any]]:
        rng = np.random.default_rng(SEED)
        a, b = random_premul(rng, H, W), random_premul(rng, H, W)
        a[:6] = 0
        ba, bb = np.zeros((H, W, 4), np.uint8), np.zeros((H, W, 4), np.uint8)
        x0, y0, x1, y1 = CONTENT
        ba[y0:y1, x0:x1] = random_premul(rng, y1 - y0, x1 - x0)
        bb[y0:y1, x0:x1] = random_premul(rng, y1 - y0, x1 - x0, opaque=True)
        return [(a, b, None), (ba, bb, CONTENT)]

    def test_declaration_and_schema_accept_defaults_and_examples(self, assets_root: Path) -> None:
        spec = self.spec
        v = _validator(spec)
        jsonschema = pytest.importorskip("jsonschema")
        jsonschema.Draft202012Validator.check_schema(v.schema)
        assert not any(p.animatable for p in spec.params) or not _is_plugin(spec)
        for params in [*self.examples, {}]:
            if params == {} and any(p.required for p in spec.params):
                continue
            assert v.is_valid(params), f"schema rejects {params}"
            assert self.bound(params, assets_root) is not None, f"{params} do not parse"
            if _is_plugin(spec):
                bind_transition(spec, params, "params", None)  # validation-only mode

    def test_bad_params_are_rejected_naming_the_param(self, assets_root: Path) -> None:
        spec = self.spec
        if not _is_plugin(spec):
            pytest.skip(
                "built-in transition: by the format's rule, params that do not parse make "
                "a plain fade, not an error"
            )
        v = _validator(spec)
        for params, name in bad_params_for(spec, dict(self.examples[0])) + list(
            self.extra_bad_params
        ):
            with pytest.raises(CompositionError) as info:
                self.bound(params, assets_root)
            assert name in str(info.value), f"{params}: error does not name '{name}': {info.value}"
            assert not v.is_valid(params), f"schema accepts bad params {params}"

    def test_progress_0_is_a_and_1_is_b(self, assets_root: Path) -> None:
        for params in self.examples:
            tr = self.bound(params, assets_root)
            for a, b, bounds in self._pairs():
                out0 = self.composite(tr, a, b, 0.0, bounds)
                out1 = self.composite(tr, a, b, 1.0, bounds)
                assert _maxdiff(out0, a) == 0, f"{params}: progress 0 is not exactly A"
                assert _maxdiff(out1, b) == 0, f"{params}: progress 1 is not exactly B"

    def test_output_premultiplied_inputs_untouched_deterministic(self, assets_root: Path) -> None:
        for params in self.examples:
            tr = self.bound(params, assets_root)
            tr2 = self.bound(params, assets_root)
            for a, b, bounds in self._pairs():
                a0, b0 = a.copy(), b.copy()
                for t in (0.1, 0.25, 0.5, 0.75, 0.9):
                    out = self.composite(tr, a, b, t, bounds)
                    bad = int((out[..., :3] > out[..., 3:4]).any(axis=-1).sum())
                    assert bad == 0, f"{params} t={t}: {bad} pixels have colour > alpha"
                    assert np.array_equal(out, self.composite(tr, a, b, t, bounds))
                    assert np.array_equal(out, self.composite(tr2, a, b, t, bounds))
                assert np.array_equal(a, a0) and np.array_equal(b, b0), "an input was modified"

    def test_property_sweep_of_declared_ranges(self, assets_root: Path) -> None:
        """Random params within the declared ranges and choices (edges weighted in): at
        every progress the output is premultiplied and the inputs untouched, progress 0 is
        exactly A and 1 exactly B. A failure prints the params that broke it."""
        from hypothesis import HealthCheck, assume, given, note, settings

        spec = self.spec

        @settings(
            max_examples=self.sweep_examples,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(params_strategy(spec.params, dict(self.examples[0])))
        def sweep(params: dict[str, Any]) -> None:
            note(f"params: {describe_params(params)}")
            try:
                tr = self.bound(params, assets_root)
            except CompositionError:
                assume(False)
                return
            if tr is None:  # a built-in kind's params that do not parse: a plain fade
                return
            where = f"params {describe_params(params)}"
            for a, b, bounds in self._pairs():
                a0, b0 = a.copy(), b.copy()
                assert _maxdiff(self.composite(tr, a, b, 0.0, bounds), a) == 0, (
                    f"{where}: progress 0 is not exactly A"
                )
                assert _maxdiff(self.composite(tr, a, b, 1.0, bounds), b) == 0, (
                    f"{where}: progress 1 is not exactly B"
                )
                for t in (0.37, 0.5):
                    out = self.composite(tr, a, b, t, bounds)
                    bad = int((out[..., :3] > out[..., 3:4]).any(axis=-1).sum())
                    assert bad == 0, f"{where} t={t}: {bad} pixels have colour > alpha"
                assert np.array_equal(a, a0) and np.array_equal(b, b0), (
                    f"{where}: an input was modified"
                )

        sweep()

    def test_same_pixels_on_every_backend(self, assets_root: Path) -> None:
        reg = _registry(type(self).kind)
        combos = _combos(reg)
        if len(combos) < 2:
            pytest.skip("fewer than two rasterizer × compositor combinations installed")
        _image(assets_root, rgba_pattern(H, W, SEED), "contract_a.png")
        _image(assets_root, rgba_pattern(H, W, SEED + 1), "contract_b.png")
        params = self.examples[-1]
        spec_json = {
            "kind": self.spec.name,
            "duration_frames": 6,
            "ease": "Linear",
            "params": params,
        }
        clips = [
            clip_json("a", "a", 0, 8, 0, 0, transition_out=spec_json),
            clip_json("b", "b", 2, 10, 0, 0, transition_in=spec_json),
        ]
        doc = comp_json((W, H), {"a": "contract_a.png", "b": "contract_b.png"}, [clips], 10)
        frames = [2, 4, 5, 7]
        ref = None
        for r, c in combos:
            out = _render(doc, reg, assets_root, frames, r, c)
            if ref is None:
                ref = (r, c, out)
                continue
            for f, x, y in zip(frames, ref[2], out, strict=True):
                d = _maxdiff(x, y)
                assert d <= self.backend_max_diff, (
                    f"frame {f}: {r}+{c} differs from {ref[0]}+{ref[1]} by {d}"
                )
