"""The decoding contract as runnable cases, for any decoder (first- or third-party).

``run_decoder_conformance(factory, clips)`` opens sessions with ``factory()`` and checks,
for every clip (see `media`):

- ``sequential``: every frame, at its own timestamp, in order, shows its own index; one
  open, no seek; the frame hashes are recorded;
- ``shuffled`` and ``backwards``: the same timestamps in a shuffled and a reversed order
  give the same hashes (a fresh session each, one open each);
- ``between``: times between frames (a 60 fps and a 25 fps timeline over the clip) show the
  frame the rule picks: the last one with pts <= t + eps (the clip's timestamps as stored,
  eps = max(1 µs, min(time base, 1 ms)/2));
- ``hold``: times past the end show the last frame, without a seek per call;
- ``alpha``: sources with alpha come out premultiplied with the right coverage.

A decoder that cannot handle a clip must say so at open with an `AssetError` naming the
file; the case is then *vetoed* (reported, never silently skipped). ``error_cases`` checks
missing, corrupt and truncated files. ``compare_decoders`` is the cross-decoder case.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import numpy as np

from wavyte_core.errors import AssetError

from .media import ALPHA_BOTTOM, Clip, patch_colours, read_index

#: Cross-decoder tolerance: identical frame choice everywhere; colour patch means within
#: 3 levels; mean absolute difference over the frame at most 2 levels (chroma upsampling
#: differs at colour edges between swscale's fast and accurate paths).
CROSS_PATCH_TOL = 3
CROSS_MEAN_TOL = 2.0

DecoderFactory = Callable[[], Any]


@dataclass(frozen=True, slots=True)
class CaseResult:
    case: str
    clip: str
    decoder: str
    status: str  # "pass", "fail" or "vetoed"
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status != "fail"


def stored_times(path: Path) -> tuple[tuple[float, ...], float]:
    """The presentation times (s, from the stream start) the container stores, sorted, and
    the eps of the frame rule for this stream."""
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        tb = s.time_base
        start = s.start_time or 0
        pts = sorted(p.pts for p in c.demux(s) if p.pts is not None)
    times = tuple(float((p - start) * tb) for p in pts)
    eps = max(1e-6, min(float(tb), 1e-3) / 2)
    return times, eps


def expected_index(times: Sequence[float], eps: float, t: float) -> int:
    k = int(np.searchsorted(np.asarray(times), t + eps, side="right")) - 1
    return min(max(k, 0), len(times) - 1)


def frame_hash(bgra: np.ndarray) -> str:
    return hashlib.blake2b(np.ascontiguousarray(bgra).tobytes(), digest_size=12).hexdigest()


def _decoder_name(dec: Any) -> str:
    return str(getattr(dec, "name", type(dec).__name__))


def run_decoder_conformance(factory: DecoderFactory, clips: Sequence[Clip]) -> list[CaseResult]:
    """Every decoding case for every clip; one `CaseResult` per (case, clip)."""
    dec = factory()
    name = _decoder_name(dec)
    out: list[CaseResult] = []
    for clip in clips:
        out.extend(clip_cases(dec, name, clip))
    out.extend(error_cases(dec, name, clips[0].path.parent / "_errors", clips[0]))
    return out


def clip_cases(dec: Any, name: str, clip: Clip) -> list[CaseResult]:
    """The cases of one clip (the module docstring's list) for decoder ``dec``, reported as
    ``name``: a veto at open, or one result per case."""
    times, eps = stored_times(clip.path)

    def result(case: str, problems: list[str]) -> CaseResult:
        status = "fail" if problems else "pass"
        return CaseResult(case, clip.name, name, status, "; ".join(problems[:5]))

    try:
        session = dec.open_video(clip.path)
    except AssetError as exc:
        if str(clip.path) in str(exc):
            return [CaseResult("open", clip.name, name, "vetoed", str(exc))]
        return [CaseResult("open", clip.name, name, "fail", f"error does not name the file: {exc}")]
    results: list[CaseResult] = []
    with session:
        problems: list[str] = []
        if (session.width, session.height) != (clip.width, clip.height):
            problems.append(
                f"size {session.width}x{session.height}, expected {clip.width}x{clip.height}"
            )
        hashes: list[str] = []
        for i, t in enumerate(times):
            frame = session.frame_at(t)
            if frame.shape != (clip.height, clip.width, 4) or frame.dtype != np.uint8:
                problems.append(f"frame {i}: shape {frame.shape} {frame.dtype}")
                break
            got = read_index(frame)
            if got != i:
                problems.append(f"t={t:.4f}: shows frame {got}, expected {i}")
            hashes.append(frame_hash(frame))
        for counter, want in (("opens", 1), ("seeks", 0)):
            have = getattr(session, counter, want)
            if have != want:
                problems.append(f"{counter}={have} in sequential playback, expected {want}")
        results.append(result("sequential", problems))

        problems = []
        last = times[-1]
        for t in (last + 0.001, last + 1.0, last + 5.0):
            got = read_index(session.frame_at(t))
            if got != len(times) - 1:
                problems.append(f"t={t:.3f} past the end shows {got}, expected the last frame")
        seeks = getattr(session, "seeks", 0)
        for k in range(10):
            session.frame_at(last + 5.0 + k / 30)
        if getattr(session, "seeks", 0) != seeks:
            problems.append("holding the last frame seeks again")
        results.append(result("hold", problems))

    for case, order in (
        ("shuffled", random.Random(7).sample(range(len(times)), len(times))),
        ("backwards", list(reversed(range(len(times))))),
    ):
        problems = []
        with dec.open_video(clip.path) as s:
            for i in order:
                h = frame_hash(s.frame_at(times[i]))
                if h != hashes[i]:
                    problems.append(
                        f"frame {i} differs from sequential decoding (shows {read_index(s.frame_at(times[i]))})"
                    )
            if getattr(s, "opens", 1) != 1:
                problems.append(f"opens={s.opens}")
        results.append(result(case, problems))

    problems = []
    with dec.open_video(clip.path) as s:
        for rate in (60.0, 25.0, 30000 / 1001):
            n = int(math.floor(last * rate)) + 2
            for k in range(n):
                t = k / rate
                got = read_index(s.frame_at(t))
                want = expected_index(times, eps, t)
                if got != want:
                    problems.append(
                        f"{rate:g} fps timeline, t={t:.5f}: shows {got}, expected {want}"
                    )
    results.append(result("between", problems))

    if clip.alpha:
        problems = []
        with dec.open_video(clip.path) as s:
            frame = s.frame_at(times[3])
            a = frame[..., 3]
            h = clip.height
            top, bottom = a[: h // 2 - 1], a[h // 2 + 1 :]
            if top.min() < 250:
                problems.append(f"opaque half has alpha down to {top.min()}")
            if abs(float(np.median(bottom)) - ALPHA_BOTTOM) > 3:
                problems.append(
                    f"translucent half has alpha {np.median(bottom)}, expected {ALPHA_BOTTOM}"
                )
            if (frame[..., :3].max(axis=-1) > a).any():
                problems.append("colour exceeds alpha: not premultiplied")
        results.append(result("alpha", problems))
    return results


def error_cases(dec: Any, name: str, directory: Path, good: Clip) -> list[CaseResult]:
    """A missing, a corrupt and a truncated file: each an `AssetError` naming the file, at
    open or at the first frame that fails; never a hang, a crash or a black frame."""
    directory.mkdir(parents=True, exist_ok=True)
    noise = directory / "noise.mp4"
    noise.write_bytes(np.random.default_rng(3).integers(0, 256, 4000, np.uint8).tobytes())
    cut = directory / f"cut_{good.path.name}"
    data = good.path.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    results = []
    for label, path in (
        ("missing", directory / "nothere.mp4"),
        ("corrupt", noise),
        ("truncated", cut),
    ):
        try:
            with dec.open_video(path) as s:
                times, _ = stored_times(good.path)
                for t in times:
                    s.frame_at(t)
            results.append(CaseResult(f"error-{label}", path.name, name, "fail", "no error raised"))
        except AssetError as exc:
            ok = str(path) in str(exc)
            detail = str(exc) if ok else f"error does not name the file: {exc}"
            results.append(
                CaseResult(f"error-{label}", path.name, name, "pass" if ok else "fail", detail)
            )
    return results


def compare_decoders(
    a: DecoderFactory, b: DecoderFactory, clips: Sequence[Clip]
) -> list[CaseResult]:
    """Two decoders show the same frame everywhere, with colours within the stated tolerance."""
    da, db = a(), b()
    label = f"{_decoder_name(da)}~{_decoder_name(db)}"
    out = []
    for clip in clips:
        times, _ = stored_times(clip.path)
        try:
            sa, sb = da.open_video(clip.path), db.open_video(clip.path)
        except AssetError as exc:
            out.append(CaseResult("cross", clip.name, label, "vetoed", str(exc)))
            continue
        problems: list[str] = []
        worst_mean, worst_patch = 0.0, 0
        with sa, sb:
            for i, t in enumerate(times):
                fa, fb = sa.frame_at(t), sb.frame_at(t)
                if fa.shape != fb.shape:
                    problems.append(f"shapes {fa.shape} vs {fb.shape}")
                    break
                ia, ib = read_index(fa), read_index(fb)
                if ia != ib:
                    problems.append(f"frame {i}: {ia} vs {ib}")
                diff = np.abs(fa.astype(np.int16) - fb.astype(np.int16))
                worst_mean = max(worst_mean, float(diff.mean()))
                pa, pb = patch_colours(fa), patch_colours(fb)
                worst_patch = max(
                    worst_patch,
                    max(
                        abs(x - y)
                        for ca, cb in zip(pa, pb, strict=True)
                        for x, y in zip(ca, cb, strict=True)
                    ),
                )
        if worst_mean > CROSS_MEAN_TOL:
            problems.append(f"mean abs difference {worst_mean:.2f} > {CROSS_MEAN_TOL}")
        if worst_patch > CROSS_PATCH_TOL:
            problems.append(f"patch colour difference {worst_patch} > {CROSS_PATCH_TOL}")
        detail = (
            "; ".join(problems[:5]) or f"mean abs diff {worst_mean:.2f}, patch diff {worst_patch}"
        )
        out.append(CaseResult("cross", clip.name, label, "fail" if problems else "pass", detail))
    return out
