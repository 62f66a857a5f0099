"""Frames of a job in order (in-process or from the worker pool) and the audio mix of a
render range."""

from __future__ import annotations

import numpy as np

from wavyte_core.assets.audio import build_audio_manifest, frame_to_sample, mix_manifest
from wavyte_core.run.job import Job
from wavyte_core.run.parallel import ParallelFrames


def mixed_audio(job: Job, start: int, end: int) -> np.ndarray | None:
    """The §5 mix of the render range, or None when no clip makes sound."""
    segments = build_audio_manifest(
        job.comp, job.audio_pcm(), start, end, job.loop_periods, job.kind_sounds()
    )
    if not segments:
        return None
    return mix_manifest(segments, frame_to_sample(end - start, job.comp.fps))


def iter_frames(job: Job, start: int = 0, end: int | None = None, *, copy: bool = True):
    """Yield ``(frame_index, premultiplied BGRA array)`` in order; unchanged frames are not
    redrawn. With ``copy=False`` the array is only valid until the next item. A job with a
    worker pool draws in its workers."""
    end = job.comp.duration if end is None else end
    if job.pool is not None:
        for f, view, done in ParallelFrames(job, job.pool, start, end):
            try:
                yield f, (view.copy() if copy else view)
            finally:
                done()
        return
    surf = job.new_surface()
    prev = None
    for f in range(start, end):
        graph = job.evaluate(f)
        if graph.nodes != prev:
            job.render_into(graph, surf)
            prev = graph.nodes
        yield f, (surf.buf.copy() if copy else surf.buf)
