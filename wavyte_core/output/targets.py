"""File and PNG-sequence targets: the temporary-file convention (hidden part files renamed on
success) and the removal of what killed renders left behind."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from pathlib import Path

from wavyte_core.errors import RenderError


def temp_path_for(target: Path) -> Path:
    """A hidden sibling of ``target`` with the same suffix (muxers pick formats by it).

    Every output goes through here once, so this is also where what killed renders into
    the same folder left behind is removed (`remove_leftovers`)."""
    remove_leftovers(target.parent)
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


_JOIN_DIR = re.compile(r"^\.wavyte-join-(\d+)-")


def remove_leftovers(folder: Path) -> list[Path]:
    """Everything a render killed with SIGKILL left in ``folder``: hidden part files and GIF
    spools (`remove_stale_parts`), the hidden folders of image sequences and the
    ``.wavyte-join-PID-…`` folders of segmented renders (`remove_stale_part_dirs`). Only
    when their process is gone. Called before each output is opened in ``folder``."""
    return remove_stale_parts(folder) + remove_stale_part_dirs(folder)


def remove_stale_part_dirs(folder: Path) -> list[Path]:
    """Like `remove_stale_parts`, for the hidden ``.NAME.part-PID`` folders of image
    sequences and the ``.wavyte-join-PID-…`` work folders of segmented renders whose
    render was killed."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = _PART_NAME.match(entry.name)
        if m is not None and m.group(2):
            m = None  # a part *file* name: not a folder of ours
        m = m or _JOIN_DIR.match(entry.name)
        if m is None or not entry.is_dir(follow_symlinks=False):
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
        remove_leftovers(self.tmpdir.parent)
        if not self.fresh:
            remove_leftovers(folder.parent)
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
