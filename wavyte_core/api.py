"""The Python API: load or build a composition, render frames to numpy, render files.

>>> import wavyte_core as wv
>>> comp = wv.load("examples/demo.json")            # parse + validate + plugin kinds, once
>>> with wv.open_job(comp, assets_root="examples") as job:
...     frame = job.frame(42)                          # premultiplied BGRA (H, W, 4) uint8
...     for n, f in job.frames(0, 30): ...
...     job.render("out.mp4", crf=20)
>>> out = wv.resolve_output("out.mp4", crf=20, color_space="bt709")  # checked once
>>> wv.render("examples/demo.json", out)                       # any number of times
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib import import_module
from pathlib import Path
from typing import Any

import numpy as np

from wavyte_core.errors import CompositionError
from wavyte_core.format.load import load_composition_file, loads_composition
from wavyte_core.format.model import NOTEBOOK_DISPLAY, Composition
from wavyte_core.output.codecs import OUTPUT_OPTION_NAMES, OutputSettings, output_settings
from wavyte_core.output.png import write_png
from wavyte_core.plugin.registry import Registry
from wavyte_core.run.frames import iter_frames
from wavyte_core.run.job import DEFAULT_BACKGROUND, Backends, Job, check
from wavyte_core.run.render_loop import render_to_file
from wavyte_core.run.report import RenderReport


def load(source: str | Path | bytes, *, registry: Registry | None = None) -> Composition:
    """Load a composition from a file path, or from JSON text/bytes, and check it fully:
    the format's validation rules and that every effect kind is installed."""
    if isinstance(source, bytes) or (isinstance(source, str) and source.lstrip().startswith("{")):
        comp = loads_composition(source)
    else:
        comp = load_composition_file(source)
        _remember_root(comp, Path(source).resolve().parent)
    check(comp, registry=registry)
    return comp


def warnings_for(comp: Composition, *, registry: Registry | None = None) -> list[str]:
    """What `load` accepts but is probably a mistake, one line each: plugin transitions
    that cannot pair (one side only, windows or params that differ), which render as plain
    fades. ``wavyte validate`` prints these; every render reports them."""
    from wavyte_core.plugin.registry import default_registry
    from wavyte_core.run.transition_check import transition_warnings

    return transition_warnings(comp, registry or default_registry())


#: The folders of the last compositions loaded from files (their asset roots), for
#: displays that render without being told (notebooks). Bounded; the object is kept so
#: a recycled ``id`` cannot match another composition.
_ROOTS: dict[int, tuple[Composition, Path]] = {}
_ROOTS_MAX = 64


def _remember_root(comp: Composition, root: Path) -> None:
    _ROOTS[id(comp)] = (comp, root)
    while len(_ROOTS) > _ROOTS_MAX:
        del _ROOTS[next(iter(_ROOTS))]


def root_of(comp: Composition) -> Path | None:
    """The folder ``comp`` was loaded from (its asset root), when `load` read it from a file."""
    hit = _ROOTS.get(id(comp))
    return hit[1] if hit is not None and hit[0] is comp else None


class RenderJob(Job):
    """A `Job` with the convenience methods of the public API."""

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """Jupyter's rich display: the poster frame and a summary
        (`wavyte_core.preview.notebook`, looked up by name as for `Composition`)."""
        return import_module(NOTEBOOK_DISPLAY).job_bundle(self)

    def frame(self, n: int) -> np.ndarray:
        """Render frame ``n``; returns a new premultiplied BGRA array."""
        if not 0 <= n < self.comp.duration:
            raise CompositionError(
                "frame", f"frame {n} is out of range 0..{self.comp.duration - 1}"
            )
        surf = self.new_surface()
        self.render_into(self.evaluate(n), surf)
        return surf.buf

    def frames(
        self, start: int = 0, end: int | None = None, *, copy: bool = True
    ) -> Iterator[tuple[int, np.ndarray]]:
        return iter_frames(self, start, end, copy=copy)

    def render(
        self,
        out: str | Path | OutputSettings,
        *,
        start: int = 0,
        end: int | None = None,
        workers: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        **options: Any,
    ) -> RenderReport:
        """Encode frames ``[start, end)`` to ``out``: a video file, a GIF, or an image
        sequence (``out/frame_%05d.png``, numbered by frame index).

        ``options`` are the keywords of `wavyte_core.output.codecs.resolve_output`:
        ``codec`` (h264, h265, vp9, prores, gif, png, jpeg; default from the suffix),
        ``alpha``, ``crf``, ``preset``, ``bitrate``, ``profile``, ``pix_fmt``,
        ``color_space`` (auto, bt709, bt601), ``palette``, ``dither``, ``qscale``; options
        left out take the codec's defaults, one the codec does not take is an error.
        ``out`` may instead be `OutputSettings` made by ``resolve_output`` (then without
        options). ``alpha=True`` keeps transparency (prores, vp9, png) and needs a job
        opened with ``alpha=True``. Everything is checked before the first frame is drawn.

        Frames are drawn by the job's worker pool (``open_job(workers=N)``) or, with
        ``workers=N`` here, by a pool made for this call; the file is byte-identical
        whatever the worker count."""
        return render_to_file(
            self, output_settings(out, options), start=start, end=end, workers=workers,
            progress=progress,
        )  # fmt: skip

    def save_png(self, n: int, out: str | Path) -> None:
        write_png(out, self.frame(n))


def open_job(
    comp: Composition,
    *,
    assets_root: str | Path = ".",
    backend: str | None = None,
    rasterizer: str | None = None,
    compositor: str | None = None,
    decoder: str = "pyav",
    encoder: str = "pyav",
    background: tuple[int, int, int, int] | None = DEFAULT_BACKGROUND,
    registry: Registry | None = None,
    timings: bool = False,
    workers: int = 1,
    alpha: bool = False,
) -> RenderJob:
    """Prepare ``comp`` for rendering. ``backend`` sets rasterizer and compositor at once.
    ``workers > 1`` starts that many persistent render processes now (each prepares the
    assets once); `RenderJob.close` stops them. ``alpha=True`` (for transparent outputs)
    makes the default background transparent."""
    if alpha and background is DEFAULT_BACKGROUND:
        background = None
    b = backend or "skia"
    backends = Backends(rasterizer or b, compositor or b, decoder, encoder)
    return RenderJob(
        comp,
        assets_root=assets_root,
        backends=backends,
        background=background,
        registry=registry,
        timings=timings,
        workers=workers,
    )


def render(
    comp: Composition | str | Path,
    out: str | Path | OutputSettings,
    *,
    assets_root: str | Path | None = None,
    **kw: Any,
) -> RenderReport:
    """One call: load (if given a path), check the output request, prepare, render to
    ``out``. Keywords are those of `open_job` and `RenderJob.render` (output options, or
    ``out`` as `OutputSettings` from `resolve_output`)."""
    if not isinstance(comp, Composition):
        root = Path(comp).parent if assets_root is None else Path(assets_root)
        comp = load(comp)
    else:
        root = Path(assets_root or ".")
    job_kw = {
        k: kw.pop(k)
        for k in list(kw)
        if k
        in (
            "backend",
            "rasterizer",
            "compositor",
            "decoder",
            "encoder",
            "background",
            "registry",
            "timings",
        )
    }
    out_kw = {k: kw.pop(k) for k in list(kw) if k in OUTPUT_OPTION_NAMES}
    spec = output_settings(out, out_kw)  # a bad output request fails before any work
    with open_job(comp, assets_root=root, alpha=spec.alpha, **job_kw) as job:
        return render_to_file(job, spec, **kw)


def render_frame(comp: Composition, n: int, *, assets_root: str | Path = ".", **kw) -> np.ndarray:
    with open_job(comp, assets_root=assets_root, **kw) as job:
        return job.frame(n)
