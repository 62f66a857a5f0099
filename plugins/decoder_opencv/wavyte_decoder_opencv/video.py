"""A persistent, sequential video session on OpenCV's FFmpeg backend (DESIGN.md §5 rule 3).

The decoding contract is the one the pyav decoder implements (wavyte's
``DecoderContract``, ``wavyte_conformance.decoder_contract``; the plugin's tests subclass it):

- one `cv2.VideoCapture` per session, opened once at prepare, read forward with
  ``grab()`` as the timeline advances; a seek (``CAP_PROP_POS_MSEC``) happens only on a
  backwards jump or a forward jump longer than ``SEEK_AHEAD_SEC``, and frames are then
  grabbed forward to the exact one;
- frame choice: for source time ``t`` the last frame whose presentation time is
  ``<= t + eps``, eps = 1 µs, or 0.5 ms in containers with millisecond timestamps
  (Matroska/WebM, FLV; recognised by their header since OpenCV does not expose the time
  base): half a tick absorbs their rounding (24 fps frame 1 is stored at 42 ms, not 41.667). Times are the frames' own timestamps (``CAP_PROP_POS_MSEC``), so variable
  frame rate input is exact. Before the first frame the first frame is shown; past the
  end of the stream the last frame is held;
- colour: OpenCV converts with swscale to BGR honouring the stream's colour tags (BT.709
  when tagged, else BT.601; limited or full range), like the pyav decoder; the two agree
  exactly away from chroma edges (pyav's accurate chroma path at odd widths differs at
  edges only);
- rotation metadata is applied (``CAP_PROP_ORIENTATION_AUTO``); non-square pixels are not
  resampled: the native pixel size is what is drawn (wavyte-format.md §3.4);
- OpenCV returns BGR only, so sources with an alpha channel are refused at open with a
  clear error instead of being shown opaque (use the pyav decoder for them).
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np

from wavyte_core.errors import AssetError

TIME_EPS = 1e-6
MS_EPS = 0.5e-3
_MS_CONTAINER_MAGIC = (b"\x1a\x45\xdf\xa3", b"FLV")  # Matroska/WebM (EBML), FLV
SEEK_AHEAD_SEC = 2.0
_MAX_SEEK_RETRIES = 6
# Codec pixel formats (CAP_PROP_CODEC_PIXEL_FORMAT fourccs) that carry alpha.
_ALPHA_FOURCCS = frozenset({"RGBA", "BGRA", "ARGB", "ABGR", "YUVA", "Y4A0", "AV1A", "PAL8"})
_WEBM_ALPHA_MODE = b"\x53\xc0\x81\x01"  # Matroska AlphaMode = 1 (VP8/VP9 alpha side data)


def _fourcc(value: float) -> str:
    """The four-character code of an OpenCV property; "" when OpenCV does not know it (-1,
    e.g. a file cut short before the codec parameters)."""
    if value < 0:
        return ""
    return int(value).to_bytes(4, "little", signed=False).decode("latin-1")


class OpenCVVideoSession:
    """A `wavyte_core.plugin.prepared.VideoSession` over the first video stream of one file.

    ``opens``, ``seeks`` and ``decoded`` count capture opens, seeks and grabbed frames.
    """

    def __init__(self, path: Path) -> None:
        self._src = str(path)
        self.opens = 0
        self.seeks = 0
        self.decoded = 0
        if not path.is_file():
            raise AssetError(self._src, "video file not found")
        try:
            with open(path, "rb") as f:
                head = f.read(1 << 16)
        except OSError as exc:
            raise AssetError(self._src, f"cannot read video: {exc.strerror or exc}") from None
        self._refuse_alpha_webm(path, head)
        self._eps = MS_EPS if head.startswith(_MS_CONTAINER_MAGIC) else TIME_EPS
        self._cap = cv2.VideoCapture(self._src, cv2.CAP_FFMPEG)
        if not self._cap.isOpened():
            self._cap.release()
            raise AssetError(
                self._src, "cannot open video (not a format OpenCV can read, corrupt or truncated)"
            )
        self.opens = 1
        try:
            self._setup()
        except BaseException:
            self._cap.release()
            raise

    def _refuse_alpha_webm(self, path: Path, head: bytes) -> None:
        if head.startswith(_MS_CONTAINER_MAGIC[0]) and _WEBM_ALPHA_MODE in head:
            raise AssetError(
                self._src,
                "video has an alpha channel, which OpenCV cannot decode (use --decoder pyav)",
            )

    def _setup(self) -> None:
        cap = self._cap
        fmt = _fourcc(cap.get(cv2.CAP_PROP_CODEC_PIXEL_FORMAT))
        if fmt in _ALPHA_FOURCCS:
            raise AssetError(
                self._src,
                f"video has an alpha channel ({fmt}), which OpenCV cannot decode (use --decoder pyav)",
            )
        fps = cap.get(cv2.CAP_PROP_FPS)
        self.fps: Fraction | None = (
            Fraction(fps).limit_denominator(1001 * 1000) if fps > 0 else None
        )
        self._frame_dur = 1.0 / fps if fps > 0 else 0.0
        count = cap.get(cv2.CAP_PROP_FRAME_COUNT)
        self.duration: float | None = count / fps if count > 0 and fps > 0 else None
        self._truncation_slack = max(0.1, 2.5 * self._frame_dur)
        self.has_alpha = False
        self._prev_time = -math.inf
        self._bgr: np.ndarray | None = None

        if not self._grab():
            raise AssetError(self._src, "video stream has no decodable frames")
        self._first_time = self._cur_time = self._grabbed_time
        bgr = self._retrieve()
        h, w = bgr.shape[:2]
        self.width: int = w
        self.height: int = h
        self._buf = np.empty((h, w, 4), dtype=np.uint8)
        cv2.cvtColor(bgr, cv2.COLOR_BGR2BGRA, dst=self._buf)
        self._advance()

    # -- decoding -------------------------------------------------------------------------

    def _grab(self) -> bool:
        """Decode the next frame (not converted); sets ``_grabbed_time``."""
        if not self._cap.grab():
            return False
        self.decoded += 1
        t = self._cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
        if (
            not math.isfinite(t)
            or t < 0
            or (t <= self._prev_time and self._prev_time > -math.inf and t == 0.0)
        ):
            t = self._prev_time + self._frame_dur if self._prev_time > -math.inf else 0.0
        self._grabbed_time = t
        self._prev_time = t
        return True

    def _retrieve(self) -> np.ndarray:
        ok, bgr = self._cap.retrieve(self._bgr)
        if not ok or bgr is None:
            raise AssetError(self._src, f"video decoding failed at t={self._grabbed_time:.3f}s")
        if bgr.ndim != 3 or bgr.shape[2] != 3:
            raise AssetError(self._src, f"unexpected decoded picture shape {bgr.shape}")
        self._bgr = bgr
        return bgr

    def _advance(self) -> None:
        """Grab the frame after the current one (its time decides when it shows)."""
        if self._grab():
            self._next_time = self._grabbed_time
            self._has_next = True
        else:
            self._has_next = False
            self._next_time = math.inf
            self._check_complete()

    def _check_complete(self) -> None:
        """At the end of the stream: fail if it ended well before its declared duration."""
        end = self.duration
        last = self._prev_time
        if (
            end is not None
            and last > -math.inf
            and last + self._frame_dur + self._truncation_slack < end
        ):
            raise AssetError(
                self._src,
                f"video ends at t={last:.3f}s but declares {end:.3f}s (truncated or corrupt file)",
            )

    def _seek(self, target: float) -> None:
        """Position so that the current frame is the last one at or before ``target``."""
        self.seeks += 1
        back = 0.0
        for _ in range(_MAX_SEEK_RETRIES):
            at = max(target - back - 2 * self._frame_dur, 0.0)
            self._cap.set(cv2.CAP_PROP_POS_MSEC, at * 1000.0)
            self._prev_time = -math.inf
            if self._grab() and (self._grabbed_time <= target or at <= 0.0):
                self._cur_time = self._grabbed_time
                self._load_current()
                self._advance()
                return
            if at <= 0.0:
                break
            back = max(back * 2.0, 1.0)
        raise AssetError(self._src, f"cannot seek to t={target:.3f}s: no frame decodes there")

    def _load_current(self) -> None:
        cv2.cvtColor(self._retrieve(), cv2.COLOR_BGR2BGRA, dst=self._buf)

    # -- the per-frame call ---------------------------------------------------------------

    def frame_at(self, t: float) -> np.ndarray:
        """Opaque BGRA (h, w, 4) of the frame showing at ``t`` seconds (session-owned buffer)."""
        target = max(t + self._eps, self._first_time)
        if self._needs_seek(target):
            self._seek(target)
        self._forward(target, guess=True)
        return self._buf

    def would_seek(self, t: float) -> bool:
        """Whether ``frame_at(t)`` would seek (rather than return or decode forward)."""
        return self._needs_seek(max(t + self._eps, self._first_time))

    def _needs_seek(self, target: float) -> bool:
        return target < self._cur_time or (
            self._has_next
            and target - self._cur_time > SEEK_AHEAD_SEC
            and target >= self._next_time
        )

    def _forward(self, target: float, guess: bool) -> None:
        """Grab forward until the next frame shows after ``target``.

        A passed frame is converted only if it may be the answer: with ``guess``, the nominal
        rate says whether another frame follows before the target; a wrong guess (variable
        frame rate) goes back for the frame exactly, without guessing.
        """
        while self._has_next and self._next_time <= target:
            skip = (
                guess and self._frame_dur > 0 and self._next_time + 1.5 * self._frame_dur <= target
            )
            if not skip:
                self._load_current()
            self._cur_time = self._next_time
            self._advance()
            if skip and (not self._has_next or self._next_time > target):
                self._seek(self._cur_time)
                self._forward(target, guess=False)
                return

    def close(self) -> None:
        """Release the capture; safe to call twice."""
        self._cap.release()

    def __enter__(self) -> OpenCVVideoSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
