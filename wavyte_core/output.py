"""Outputs other than the video loop: render reports, frame iteration, PNG stills, the
temporary-file convention and the audio mix of a render range."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .audio import build_audio_manifest, frame_to_sample, mix_manifest
from .errors import RenderError
from .flatten import unpremultiply_to_rgba
from .job import Job


@dataclass
class RenderReport:
    frames: int = 0
    rendered: int = 0
    elided: int = 0
    seconds: float = 0.0
    render_seconds: float = 0.0
    encode_wait_seconds: float = 0.0
    stage_ms: dict[str, float] = field(default_factory=dict)
    #: ``time.perf_counter()`` when the encoder had written the first frame (None: none).
    first_frame_at: float | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def fps(self) -> float:
        return self.frames / self.seconds if self.seconds > 0 else 0.0


def temp_path_for(target: Path) -> Path:
    """A hidden sibling of ``target`` with the same suffix (muxers pick formats by it).

    Every output goes through here once, so this is also where the part files of killed
    renders into the same folder are removed (`remove_stale_parts`)."""
    remove_stale_parts(target.parent)
    return target.with_name(f".{target.stem}.part-{os.getpid()}{target.suffix}")


_PART_NAME = re.compile(r"^\..+\.part-(\d+)(\.[^.]*)?$")


def remove_stale_parts(folder: Path) -> list[Path]:
    """Delete the hidden ``.NAME.part-PID.EXT`` files in ``folder`` whose process is gone
    (a render killed with SIGKILL cannot clean up after itself). A part file of a live
    process, of this process, or that is not a regular file is left alone. Process ids
    are this machine's: renders from several hosts into one network folder are not
    told apart."""
    removed: list[Path] = []
    try:
        entries = os.scandir(folder)
    except OSError:
        return removed
    with entries:
        for entry in entries:
            m = _PART_NAME.match(entry.name)
            if m is None or not entry.is_file(follow_symlinks=False):
                continue
            pid = int(m.group(1))
            if pid == os.getpid() or process_alive(pid):
                continue
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def remove_stale_part_dirs(folder: Path) -> list[Path]:
    """Like `remove_stale_parts`, for the hidden ``.NAME.part-PID`` folders of image
    sequences whose render was killed."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = _PART_NAME.match(entry.name)
        if m is None or m.group(2) or not entry.is_dir(follow_symlinks=False):
            continue
        pid = int(m.group(1))
        if pid != os.getpid() and not process_alive(pid):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed


def process_alive(pid: int) -> bool:
    """True while process ``pid`` exists and is not a zombie."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    except OverflowError:
        return False
    try:  # a zombie has exited; only its parent has not collected it yet
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


class FileTarget:
    """One output file, written to a hidden sibling and renamed over the target on success."""

    def __init__(self, target: Path) -> None:
        if target.is_dir():
            raise RenderError(f"{target} is a directory")
        target.parent.mkdir(parents=True, exist_ok=True)
        self.target = target
        self.temp = temp_path_for(target)  # what the encoder opens

    def commit(self) -> None:
        os.replace(self.temp, self.target)

    def discard(self) -> None:
        self.temp.unlink(missing_ok=True)


class SequenceTarget:
    """An image sequence (``out/frame_%05d.png``), never left half-written under its name.

    Frames are encoded into a hidden folder; nothing appears under the target names until
    every frame is encoded and the encoder closed. Then, if the target folder did not exist,
    the hidden folder is renamed to it — the sequence appears at once; otherwise each file
    is renamed into the folder (each replace is atomic; files of other frame ranges in the
    folder are left alone, so ranges rendered separately combine). A failed or interrupted
    render deletes the hidden folder and leaves the target folder as it was.
    """

    def __init__(self, pattern: Path) -> None:
        folder = pattern.parent
        if folder.exists() and not folder.is_dir():
            raise RenderError(f"{folder} is not a folder")
        self.folder = folder
        self.fresh = not folder.exists()
        tag = f".part-{os.getpid()}"
        if self.fresh:
            folder.parent.mkdir(parents=True, exist_ok=True)
            self.tmpdir = folder.parent / f".{folder.name}{tag}"
        else:
            self.tmpdir = folder / f".wavyte{tag}"
        remove_stale_part_dirs(self.tmpdir.parent)
        shutil.rmtree(self.tmpdir, ignore_errors=True)  # a leftover of this pid's crash
        self.tmpdir.mkdir()
        self.temp = self.tmpdir / pattern.name  # the pattern the encoder writes

    def commit(self) -> None:
        if self.fresh:
            os.replace(self.tmpdir, self.folder)
            return
        for f in sorted(self.tmpdir.iterdir()):
            os.replace(f, self.folder / f.name)
        self.tmpdir.rmdir()

    def discard(self) -> None:
        shutil.rmtree(self.tmpdir, ignore_errors=True)


def mixed_audio(job: Job, start: int, end: int) -> np.ndarray | None:
    """The §5 mix of the render range, or None when no clip makes sound."""
    segments = build_audio_manifest(job.comp, job.audio_pcm(), start, end)
    if not segments:
        return None
    return mix_manifest(segments, frame_to_sample(end - start, job.comp.fps))


def iter_frames(job: Job, start: int = 0, end: int | None = None, *, copy: bool = True):
    """Yield ``(frame_index, premultiplied BGRA array)`` in order; unchanged frames are not
    redrawn. With ``copy=False`` the array is only valid until the next item. A job with a
    worker pool draws in its workers."""
    end = job.comp.duration if end is None else end
    if job.pool is not None:
        from .parallel import ParallelFrames

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


def png_bytes(frame_bgra_premul: np.ndarray, level: int = 6) -> bytes:
    """A premultiplied BGRA frame as the bytes of an un-premultiplied RGBA PNG (zlib
    ``level``: 6 for files, lower where encoding speed matters, as in the preview)."""
    rgba = unpremultiply_to_rgba(frame_bgra_premul)
    h, w = rgba.shape[:2]
    raw = np.empty((h, 1 + w * 4), dtype=np.uint8)
    raw[:, 0] = 0  # filter type None
    raw[:, 1:] = rgba.reshape(h, w * 4)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + tag
            + data
            + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw.tobytes(), level))
        + chunk(b"IEND", b"")
    )


def write_png(path: str | Path, frame_bgra_premul: np.ndarray) -> None:
    """Write a premultiplied BGRA frame as an un-premultiplied RGBA PNG, atomically."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    png = png_bytes(frame_bgra_premul)
    tmp = temp_path_for(target)
    try:
        tmp.write_bytes(png)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
