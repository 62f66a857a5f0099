"""Run the conformance suite: cases × combinations → `Result`s.

Three kinds of work item, each one (subject, combination):

- ``render``: a case rendered on a combination, each listed frame compared with the
  stored reference (``references/<case>/f<frame>.png``, made by the reference combination
  skia rasterizer + numpy compositor + pyav decoder, and only rewritten when asked:
  ``update_references=True`` / ``--update-references``). The tolerance is the case's,
  for the roles whose implementation differs from the reference; the reference combination
  itself must reproduce its stored images exactly. Each render item also re-renders its
  frames in another job, in reverse order after each frame's predecessor, and requires
  byte-identical frames (section ``determinism``).
- ``exact``: a compositor's op on random premultiplied images against the format's
  integer math (`exact_math`), bit for bit for the exact compositor, ≤ 1 level otherwise.
- ``reftest``: two compositions that must render the same on one combination.
- ``effects``: every installed effect and transition kind (`kind_cases`), rendered with
  its declared examples and compared exactly with the reference combination's pixels.
- ``delivery`` (only when an executor or encoder is named, ``executors=`` /
  ``encoders=``): a short case rendered to MP4 in two segments through that executor and
  encoder; the frames handed to the encoder must hash the same as the in-process render
  with the reference encoder, and the joined file must hold every frame.

A combination that lacks a needed capability gives ``unsupported`` results; a failure a
plugin declares in ``CONFORMANCE_EXPECTATIONS`` gives ``xfail`` (or ``xpass`` once fixed).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from wavyte_core.api import RenderJob, load, open_job
from wavyte_core.plugin.registry import Registry, default_registry
from wavyte_core.run.job import DEFAULT_BACKGROUND

from .catalog import CASES_DIR, MEDIA_ROOT, Case, Catalog, RefTest, load_catalog
from .combos import Combo, Expectation, enumerate_combos, expectation_for, missing_capabilities
from .exact_math import ExactOp, apply_compositor, expected, inputs
from .kind_cases import KindCase, kind_cases, write_kind_assets
from .media import ensure_media
from .metrics import EXACT, Metrics, Tolerance, compare
from .pngio import read_frame_png, write_frame_png

__all__ = ["REFERENCES_DIR", "Result", "WorkItem", "Runner", "SECTIONS", "FAILING"]

REFERENCES_DIR = Path(__file__).parent / "references"
SECTIONS = ("render", "exact", "reftest", "effects", "determinism", "delivery")
#: The cases the ``delivery`` section renders (short, animated; the first selected case
#: stands in when the selection has none of them).
DELIVERY_CASES = ("opacity_keyframes",)
#: Case categories whose determinism is also checked across worker processes (each check
#: starts two workers, so only the realistic scenes, with the reference decoder).
WORKER_CATEGORIES = frozenset({"scene"})
#: Statuses that make the run fail.
FAILING = frozenset({"fail", "error", "missing"})


@dataclass(slots=True)
class Result:
    section: str
    case: str
    column: str  # the combination's rasterizer+compositor (or the compositor alone)
    variant: str  # the other roles of the combination, e.g. "decoder=pyav"
    frame: int | None
    status: str  # pass | fail | xfail | xpass | unsupported | error | missing
    metrics: Metrics | None = None
    tolerance: Tolerance | None = None
    reason: str = ""
    expected: np.ndarray | None = field(default=None, repr=False)  # kept for review pages
    actual: np.ndarray | None = field(default=None, repr=False)

    @property
    def failed(self) -> bool:
        return self.status in FAILING

    def to_json(self) -> dict:
        return {
            "section": self.section,
            "case": self.case,
            "combination": self.column,
            "variant": self.variant,
            "frame": self.frame,
            "status": self.status,
            "metrics": self.metrics.to_json() if self.metrics else None,
            "tolerance": self.tolerance.to_json() if self.tolerance else None,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class WorkItem:
    section: str  # render | exact | reftest
    subject: Case | RefTest | ExactOp | KindCase
    combo: Combo

    @property
    def id(self) -> str:
        return f"{self.section}/{self.subject.id}[{self.combo.slug}]"


def _judge(m: Metrics, tol: Tolerance, expectation: Expectation | None) -> tuple[str, str]:
    if tol.accepts(m):
        if expectation is not None and expectation.bound is None:
            return "xpass", f"passes despite the expectation ({expectation.reason})"
        return "pass", ""
    if expectation is not None:
        if expectation.bound is None or expectation.bound.accepts(m):
            return "xfail", expectation.reason
        return (
            "fail",
            f"outside tolerance ({tol.describe()}) and beyond the plugin's expected bound ({expectation.bound.describe()})",
        )
    return "fail", f"outside tolerance ({tol.describe()})"


def _xfail_error(expectation: Expectation | None) -> str:
    """An error is only expected when a plugin expects any failure (no bound)."""
    return "xfail" if expectation is not None and expectation.bound is None else "error"


class Runner:
    """Plans and runs the suite on the installed (or the given) implementations."""

    def __init__(
        self,
        catalog: Catalog | None = None,
        registry: Registry | None = None,
        *,
        references: Path = REFERENCES_DIR,
        update_references: bool = False,
        only: dict[str, list[str]] | None = None,
        media: Path | None = None,
        determinism: bool = True,
        executors: list[str] | None = None,
        encoders: list[str] | None = None,
    ) -> None:
        self.catalog = catalog or load_catalog()
        self.registry = registry or default_registry()
        self.references = references
        self.update_references = update_references
        self.only = only or {}
        self._media = media
        self.determinism = determinism
        #: Executors / encoders under test (``delivery`` section); empty: not run.
        self.executors = list(executors or [])
        self.encoders = list(encoders or [])
        self._delivery_refs: dict[str, list[str]] = {}
        self._refs: dict[tuple[str, int], np.ndarray] = {}
        self._compositors: dict[str, object] = {}
        self._kind_refs: dict[str, dict[int, np.ndarray]] = {}

    # ------------------------------------------------------------------------- planning

    def items(self) -> list[WorkItem]:
        reg, cat = self.registry, self.catalog
        out: list[WorkItem] = []
        for case in cat.cases:
            out += [
                WorkItem("render", case, c) for c in enumerate_combos(reg, case.roles, self.only)
            ]
        for op in cat.exact.ops:
            out += [
                WorkItem("exact", op, c) for c in enumerate_combos(reg, ("compositor",), self.only)
            ]
        for rt in cat.reftests:
            out += [WorkItem("reftest", rt, c) for c in enumerate_combos(reg, rt.roles, self.only)]
        for kc in kind_cases(reg):
            if cat.keep(kc.id):
                out += [
                    WorkItem("effects", kc, c) for c in enumerate_combos(reg, kc.roles, self.only)
                ]
        out += self._delivery_items()
        return out

    def _delivery_items(self) -> list[WorkItem]:
        if not (self.executors or self.encoders):
            return []
        cases = [c for c in self.catalog.cases if c.id in DELIVERY_CASES]
        cases = cases or [c for c in self.catalog.cases if "decoder" not in c.roles][:1]
        ref = self.catalog.reference
        executors = self.executors or ["local"]
        encoders = self.encoders or [ref.get("encoder", "pyav")]
        return [
            WorkItem(
                "delivery",
                case,
                Combo(
                    (
                        ("rasterizer", ref["rasterizer"]),
                        ("compositor", ref["compositor"]),
                        ("encoder", enc),
                        ("executor", ex),
                    )
                ),
            )
            for case in cases
            for ex in executors
            for enc in encoders
        ]

    def reference_combo(self, roles: Iterable[str]) -> Combo:
        ref = self.catalog.reference
        return Combo(
            tuple(
                (r, ref[r])
                for r in ("rasterizer", "compositor", "decoder", "encoder")
                if r in roles
            )
        )

    # -------------------------------------------------------------------------- running

    def run(self, progress: Callable[[WorkItem], None] | None = None) -> list[Result]:
        if self.update_references:
            self.write_references()
        results: list[Result] = []
        for item in self.items():
            results += self.run_item(item)
            if progress is not None:
                progress(item)
        return results

    def run_item(self, item: WorkItem) -> list[Result]:
        if item.section == "render":
            return self._run_render(item.subject, item.combo)  # type: ignore[arg-type]
        if item.section == "exact":
            return self._run_exact(item.subject, item.combo)  # type: ignore[arg-type]
        if item.section == "effects":
            return self._run_kind(item.subject, item.combo)  # type: ignore[arg-type]
        if item.section == "delivery":
            return self._run_delivery(item.subject, item.combo)  # type: ignore[arg-type]
        return self._run_reftest(item.subject, item.combo)  # type: ignore[arg-type]

    def write_references(self) -> list[Path]:
        """Render every case on the reference combination and store its frames."""
        written = []
        for case in self.catalog.cases:
            frames = self._render(case, self.reference_combo(case.roles), case.frames)
            for f, img in frames.items():
                p = self._ref_path(case.id, f)
                write_frame_png(p, img)
                self._refs[(case.id, f)] = img
                written.append(p)
        return written

    # --------------------------------------------------------------------------- render

    def _root(self, case: Case) -> Path:
        if case.assets_root == MEDIA_ROOT:
            return ensure_media(self._media)
        return Path(case.assets_root) if case.assets_root else case.file.parent

    def _open(self, case: Case, combo: Combo, **kw: object) -> RenderJob:
        """A job for ``case`` on ``combo``'s backends (``kw``: e.g. ``workers``)."""
        return open_job(
            load(case.file, registry=self.registry),
            assets_root=self._root(case),
            rasterizer=combo.get("rasterizer", "skia"),
            compositor=combo.get("compositor", "skia"),
            decoder=combo.get("decoder", "pyav") or "pyav",
            background=case.background,
            **kw,  # type: ignore[arg-type]
        )

    def _render(
        self, case: Case, combo: Combo, order: Iterable[int], *, layer_regions: bool = True
    ) -> dict[int, np.ndarray]:
        """``case``'s frames in ``order`` from one job; ``layer_regions=False`` isolates
        layers on canvas-sized surfaces even where the compositor places regions."""
        with self._open(case, combo, registry=self.registry) as job:
            if not layer_regions:
                job.renderer.regions = False
            return {f: job.frame(f) for f in order}

    def _ref_path(self, case_id: str, frame: int) -> Path:
        return self.references / case_id / f"f{frame:04d}.png"

    def reference(self, case_id: str, frame: int) -> np.ndarray | None:
        key = (case_id, frame)
        if key not in self._refs:
            p = self._ref_path(case_id, frame)
            if not p.exists():
                return None
            self._refs[key] = read_frame_png(p)
        return self._refs[key]

    def tolerance_for(self, case: Case, combo: Combo) -> Tolerance:
        """The case's tolerance for the roles where ``combo`` differs from the reference."""
        ref = self.reference_combo(case.roles)
        tol: Tolerance | None = None
        for role, name in combo.picks:
            if name != ref.get(role):
                t = case.tolerance.get(role, EXACT)
                tol = t if tol is None else tol.loosest(t)
        return tol or EXACT

    def _run_render(self, case: Case, combo: Combo) -> list[Result]:
        col, var = combo.column, combo.variant
        lacking = missing_capabilities(self.registry, combo, case.requires)
        if lacking:
            return [
                Result("render", case.id, col, var, None, "unsupported", reason="; ".join(lacking))
            ]
        expectation = expectation_for(self.registry, combo, "render", case.id)
        try:
            frames = self._render(case, combo, case.frames)
        except Exception as exc:  # reported as a result, never aborts the run
            return [
                Result(
                    "render",
                    case.id,
                    col,
                    var,
                    None,
                    _xfail_error(expectation),
                    reason=_error_text(exc, expectation),
                )
            ]
        tol = self.tolerance_for(case, combo)
        out: list[Result] = []
        for f, actual in frames.items():
            ref = self.reference(case.id, f)
            if ref is None:
                out.append(
                    Result(
                        "render",
                        case.id,
                        col,
                        var,
                        f,
                        "missing",
                        reason="no stored reference: run `wavyte conformance --update-references`",
                        actual=actual,
                    )
                )
                continue
            if ref.shape != actual.shape:
                out.append(
                    Result(
                        "render",
                        case.id,
                        col,
                        var,
                        f,
                        "fail",
                        reason=f"size {actual.shape} != reference {ref.shape}",
                        actual=actual,
                    )
                )
                continue
            m = compare(ref, actual)
            status, reason = _judge(m, tol, expectation)
            keep = status not in ("pass", "xpass")
            out.append(
                Result(
                    "render",
                    case.id,
                    col,
                    var,
                    f,
                    status,
                    m,
                    tol,
                    reason,
                    ref if keep else None,
                    actual if keep else None,
                )
            )
        if self.determinism:
            out.append(self._determinism(case, combo, frames))
            if (
                case.category in WORKER_CATEGORIES
                and combo.get("decoder", "pyav") in (None, "", "pyav")
                and self.registry is default_registry()
            ):
                out.append(self._determinism_workers(case, combo, frames))
        return out

    def _determinism_workers(
        self, case: Case, combo: Combo, first: dict[int, np.ndarray]
    ) -> Result:
        """The case's frames drawn by two worker processes (`open_job(workers=2)`, frames
        split between them in chunks): the same bytes as in one process. Workers build
        their registry from entry points, so this runs only with the default registry."""
        col, var = combo.column, f"{combo.variant} workers=2".strip()
        try:
            lo, hi = min(first), max(first) + 1
            with self._open(case, combo, workers=2) as job:
                again = {f: img for f, img in job.frames(lo, hi) if f in first}
        except Exception as exc:
            return Result(
                "determinism", case.id, col, var, None, "error", reason=_error_text(exc, None)
            )
        worst = max((compare(img, again[f]) for f, img in first.items()), key=lambda m: m.pixels)
        status, reason = _judge(
            worst, EXACT, expectation_for(self.registry, combo, "determinism", case.id)
        )
        return Result("determinism", case.id, col, var, None, status, worst, EXACT, reason)

    def _determinism(self, case: Case, combo: Combo, first: dict[int, np.ndarray]) -> Result:
        """Render again in a new job, in reverse order, each frame after its predecessor
        (so layer and prefix caches are warm with different content): same bytes."""
        order: list[int] = []
        for f in sorted(case.frames, reverse=True):
            if f > 0:
                order.append(f - 1)
            order.append(f)
        col, var = combo.column, combo.variant
        try:
            again = self._render(case, combo, order)
        except Exception as exc:
            return Result(
                "determinism", case.id, col, var, None, "error", reason=_error_text(exc, None)
            )
        worst: Metrics | None = None
        bad: tuple[int, np.ndarray, np.ndarray] | None = None
        for f, img in first.items():
            m = compare(img, again[f])
            if worst is None or m.pixels > worst.pixels:
                worst = m
                if m.pixels:
                    bad = (f, img, again[f])
        expectation = expectation_for(self.registry, combo, "determinism", case.id)
        assert worst is not None  # every case lists at least one frame
        status, reason = _judge(worst, EXACT, expectation)
        if bad is not None:
            reason = f"frame {bad[0]} differs when rendered in another order: {reason}"
            return Result(
                "determinism",
                case.id,
                col,
                var,
                bad[0],
                status,
                worst,
                EXACT,
                reason,
                bad[1],
                bad[2],
            )
        return Result("determinism", case.id, col, var, None, status, worst, EXACT, reason)

    # ---------------------------------------------------------------------------- exact

    def _compositor(self, name: str) -> object:
        if name not in self._compositors:
            self._compositors[name] = self.registry.create("compositor", name)  # type: ignore[arg-type]
        return self._compositors[name]

    def _run_exact(self, op: ExactOp, combo: Combo) -> list[Result]:
        name = combo.get("compositor") or ""
        col = combo.column
        lacking = missing_capabilities(self.registry, combo, {"compositor": (op.capability,)})
        if lacking:
            return [Result("exact", op.id, col, "", None, "unsupported", reason="; ".join(lacking))]
        ex = self.catalog.exact
        is_exact = "exact" in self.registry.roles["compositor"][name].capabilities
        tol = ex.exact if is_exact else ex.native
        if op.tolerance is not None:
            tol = Tolerance.from_json(op.tolerance)
        expectation = expectation_for(self.registry, combo, "exact", op.id)
        dst, a, b = inputs(op, ex.size, ex.seed)
        want = expected(op, dst, a, b)
        try:
            got = apply_compositor(self._compositor(name), op, dst, a, b)
        except Exception as exc:
            return [
                Result(
                    "exact",
                    op.id,
                    col,
                    "",
                    None,
                    _xfail_error(expectation),
                    reason=_error_text(exc, expectation),
                )
            ]
        m = compare(want, got)
        status, reason = _judge(m, tol, expectation)
        keep = status not in ("pass", "xpass")
        return [
            Result(
                "exact",
                op.id,
                col,
                "",
                None,
                status,
                m,
                tol,
                reason,
                want if keep else None,
                got if keep else None,
            )
        ]

    # -------------------------------------------------------------------------- reftest

    def _run_reftest(self, rt: RefTest, combo: Combo) -> list[Result]:
        col, var = combo.column, combo.variant
        lacking = missing_capabilities(self.registry, combo, rt.requires)
        if lacking:
            return [
                Result("reftest", rt.id, col, var, None, "unsupported", reason="; ".join(lacking))
            ]
        expectation = expectation_for(self.registry, combo, "reftest", rt.id)
        try:
            sides = []
            for path in (rt.a, rt.b):
                case = Case(
                    rt.id,
                    path,
                    rt.frames,
                    rt.roles,
                    rt.requires,
                    DEFAULT_BACKGROUND,
                    "reftest",
                    assets_root=str(CASES_DIR),
                )
                sides.append(self._render(case, combo, rt.frames))
        except Exception as exc:
            return [
                Result(
                    "reftest",
                    rt.id,
                    col,
                    var,
                    None,
                    _xfail_error(expectation),
                    reason=_error_text(exc, expectation),
                )
            ]
        out = []
        for f in rt.frames:
            m = compare(sides[0][f], sides[1][f])
            status, reason = _judge(m, rt.tolerance, expectation)
            keep = status not in ("pass", "xpass")
            out.append(
                Result(
                    "reftest",
                    rt.id,
                    col,
                    var,
                    f,
                    status,
                    m,
                    rt.tolerance,
                    reason,
                    sides[0][f] if keep else None,
                    sides[1][f] if keep else None,
                )
            )
        return out

    # ------------------------------------------------------------------- effect kinds

    def _kind_render(
        self, kc: KindCase, combo: Combo, *, layer_regions: bool = True
    ) -> dict[int, np.ndarray]:
        import json
        import tempfile

        from wavyte_core.api import check
        from wavyte_core.format.load import loads_composition

        root = write_kind_assets(
            (self._media or Path(tempfile.gettempdir())) / "wavyte-conformance-kinds"
        )
        comp = loads_composition(json.dumps(kc.doc))
        check(comp, registry=self.registry)
        with open_job(
            comp,
            assets_root=root,
            rasterizer=combo.get("rasterizer", "skia"),
            compositor=combo.get("compositor", "skia"),
            decoder=self.catalog.reference.get("decoder", "pyav"),
            background=None,
            registry=self.registry,
        ) as job:
            if not layer_regions:
                job.renderer.regions = False
            return {f: job.frame(f) for f in kc.frames}

    def _kind_tolerance(self, combo: Combo) -> Tolerance:
        """The ``image`` category's tolerance for the roles that differ from the reference:
        pixel passes run the same numpy code everywhere (cells show '='), but kinds that
        fold into the layer's opacity or transform are drawn by each rasterizer."""
        image = next((c for c in load_catalog().cases if c.category == "image"), None)
        ref = self.reference_combo(("rasterizer", "compositor"))
        tol: Tolerance | None = None
        for role, name in combo.picks:
            if image is not None and name != ref.get(role):
                t = image.tolerance.get(role, EXACT)
                tol = t if tol is None else tol.loosest(t)
        return tol or EXACT

    def _run_kind(self, kc: KindCase, combo: Combo) -> list[Result]:
        """A kind's generated case on ``combo`` against the reference combination (the
        layers do not overlap, so the frame holds the kind's own pixels)."""
        col, var = combo.column, kc.plugin and f"plugin={kc.plugin}"
        expectation = expectation_for(self.registry, combo, "effects", kc.id)
        try:
            if kc.id not in self._kind_refs:
                self._kind_refs[kc.id] = self._kind_render(kc, self.reference_combo(kc.roles))
            ref = self._kind_refs[kc.id]
            got = self._kind_render(kc, combo)
        except Exception as exc:
            return [
                Result(
                    "effects",
                    kc.id,
                    col,
                    var,
                    None,
                    _xfail_error(expectation),
                    reason=_error_text(exc, expectation),
                )
            ]
        tol = self._kind_tolerance(combo)
        out = []
        for f in kc.frames:
            m = compare(ref[f], got[f])
            status, reason = _judge(m, tol, expectation)
            keep = status not in ("pass", "xpass")
            out.append(
                Result(
                    "effects",
                    kc.id,
                    col,
                    var,
                    f,
                    status,
                    m,
                    tol,
                    reason,
                    ref[f] if keep else None,
                    got[f] if keep else None,
                )
            )
        return out

    # ------------------------------------------------------------------------- delivery

    def _segmented(self, case: Case, combo: Combo, executor: str, workers: int | None) -> tuple:
        """``case`` rendered to MP4 in two segments on ``executor``: (frame hashes, frames
        in the joined file, frames the comp has)."""
        import tempfile

        from wavyte_core.run.executor import ExecutorOptions
        from wavyte_core.run.job import Backends
        from wavyte_core.run.segments import probe, render_in_segments

        comp = load(case.file, registry=self.registry)
        backends = Backends(
            combo.get("rasterizer", "skia") or "skia",
            combo.get("compositor", "numpy") or "numpy",
            self.catalog.reference.get("decoder", "pyav"),
            combo.get("encoder", "pyav") or "pyav",
        )
        bg = case.background or DEFAULT_BACKGROUND
        with tempfile.TemporaryDirectory(prefix="wavyte-delivery-") as tmp:
            out = Path(tmp) / "out.mp4"
            report = render_in_segments(
                comp,
                out,
                executor=executor,
                options=ExecutorOptions(workers=workers),
                segments=2,
                gop=max(comp.duration // 2, 1),
                assets_root=self._root(case),
                backends=backends,
                background=bg,
                hash_frames=True,
                registry=self.registry,
            )
            frames = probe(out).frames
        return report.frame_hashes, frames, comp.duration

    def _run_delivery(self, case: Case, combo: Combo) -> list[Result]:
        """The case through ``combo``'s executor and encoder: the frames handed to the
        encoder equal the in-process render's, and the joined file holds every frame."""
        col, var = combo.column, combo.variant
        executor = combo.get("executor", "local") or "local"
        lacking = missing_capabilities(
            self.registry, combo, {"encoder": ("mp4",), "executor": ("segments",)}
        )
        if lacking:
            return [
                Result(
                    "delivery", case.id, col, var, None, "unsupported", reason="; ".join(lacking)
                )
            ]
        expectation = expectation_for(self.registry, combo, "delivery", case.id)
        try:
            if case.id not in self._delivery_refs:
                ref = self.reference_combo(("rasterizer", "compositor", "encoder"))
                self._delivery_refs[case.id] = self._segmented(case, ref, "local", 1)[0]
            want = self._delivery_refs[case.id]
            got, in_file, duration = self._segmented(case, combo, executor, None)
        except Exception as exc:
            return [
                Result(
                    "delivery",
                    case.id,
                    col,
                    var,
                    None,
                    _xfail_error(expectation),
                    reason=_error_text(exc, expectation),
                )
            ]
        reason = ""
        if len(got) != duration or got != want:
            bad = next(
                (i for i, (a, b) in enumerate(zip(want, got, strict=False)) if a != b),
                min(len(got), len(want)),
            )
            reason = (
                f"frame {bad}: the frames handed to the encoder differ from the in-process "
                f"render ({len(got)} hashed, {duration} expected)"
            )
        elif in_file != duration:
            reason = f"the joined file holds {in_file} frames, not {duration}"
        if not reason:
            return [Result("delivery", case.id, col, var, None, "pass")]
        status = "xfail" if expectation is not None else "fail"
        return [Result("delivery", case.id, col, var, None, status, reason=reason)]


def _error_text(exc: BaseException, expectation: Expectation | None) -> str:
    text = f"{type(exc).__name__}: {exc}"
    if expectation is not None:
        return f"{expectation.reason} ({text})"
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" at {tb[-1].filename}:{tb[-1].lineno}" if tb else ""
    return text + where
