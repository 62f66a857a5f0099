"""Animated media at 1080p: what looping, Lottie and nesting cost per frame.

    .venv/bin/python scripts/benchmarks/animated_media_speed.py [--frames 120] [--repeats 3]

Render-only (no encoder), single process, CPU milliseconds per frame (``process_time``:
on a shared machine wall time is noise), median of ``--repeats`` runs:

- **loop**: a 1080p H.264 clip of ``frames/3`` frames looped 3 times, against a clip of
  ``frames`` frames played once (same content): a loop must cost no more per frame
  (one seek back per lap, never a reopen);
- **lottie**: a 1080p Lottie (24 spinning, colour-cycling stars) through wavyte, against
  rlottie alone rendering the same frames at the same size (the budget: ≤ 1.2×);
- **nested**: a 1080p child composition (the loop clip under 12 moving shapes) nested in
  a parent of the same size, against rendering the child alone (the budget: ≤ 1.1× plus
  the composite).

Media are generated into a temporary folder (PyAV, JSON); nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import av
import numpy as np

import wavyte_core as wv

W, H, FPS = 1920, 1080, 30


def _clip(cid: str, asset: str, n: int, x: float = 0.0, y: float = 0.0, move: bool = False) -> dict:
    def tf(dx: float) -> dict:
        return {"translate": {"x": x + dx, "y": y}, "rotation_rad": 0.0,
                "scale": {"x": 1.0, "y": 1.0}, "anchor": {"x": 0.0, "y": 0.0}}  # fmt: skip

    keys = [{"frame": 0, "value": tf(0), "ease": "Linear"}]
    if move:
        keys.append({"frame": n, "value": tf(600), "ease": "Linear"})
    return {"id": cid, "asset": asset, "range": {"start": 0, "end": n},
            "props": {"transform": {"Keyframes": {"keys": keys, "mode": "Linear", "default": None}},
                      "opacity": {"Keyframes": {"keys": [{"frame": 0, "value": 1.0, "ease": "Linear"}],
                                                "mode": "Hold", "default": None}},
                      "blend": "Normal"},
            "z_offset": 0, "effects": [], "transition_in": None, "transition_out": None}  # fmt: skip


def _comp(assets: dict, clips: list, n: int) -> dict:
    return {"fps": {"num": FPS, "den": 1}, "canvas": {"width": W, "height": H}, "duration": n,
            "assets": assets, "tracks": [{"name": "t", "z_base": 0, "clips": clips}], "seed": 1}  # fmt: skip


def _video(path: Path, n: int) -> None:
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=FPS)
        s.width, s.height, s.pix_fmt = W, H, "yuv420p"
        s.options = {"g": "30", "preset": "veryfast"}
        yy, xx = np.mgrid[0:H, 0:W]
        for i in range(n):
            k = i % 90
            img = np.empty((H, W, 3), np.uint8)
            img[..., 0] = (xx + 8 * k) % 256
            img[..., 1] = (yy + 5 * k) % 256
            img[..., 2] = 128
            c.mux(s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")))
        c.mux(s.encode(None))


def _lottie(n: int) -> dict:
    layers = []
    for i in range(24):
        x, y = 160 + (i % 6) * 320, 180 + (i // 6) * 240
        layers.append({
            "ddd": 0, "ind": i + 1, "ty": 4, "nm": f"s{i}", "sr": 1, "ip": 0, "op": n, "st": 0,
            "ks": {"o": {"a": 0, "k": 100},
                   "r": {"a": 1, "k": [{"t": 0, "s": [0], "o": {"x": [0.4], "y": [0]}, "i": {"x": [0.6], "y": [1]}},
                                       {"t": n, "s": [360]}]},
                   "p": {"a": 0, "k": [x, y, 0]}, "a": {"a": 0, "k": [0, 0, 0]},
                   "s": {"a": 0, "k": [100, 100, 100]}},
            "shapes": [{"ty": "gr", "it": [
                {"ty": "sr", "sy": 1, "d": 1, "pt": {"a": 0, "k": 5}, "p": {"a": 0, "k": [0, 0]},
                 "r": {"a": 0, "k": 0}, "ir": {"a": 0, "k": 40}, "is": {"a": 0, "k": 0},
                 "or": {"a": 0, "k": 100}, "os": {"a": 0, "k": 0}},
                {"ty": "fl", "c": {"a": 1, "k": [{"t": 0, "s": [1, 0.3, 0.2, 1], "o": {"x": [0], "y": [0]},
                                                  "i": {"x": [1], "y": [1]}},
                                                 {"t": n, "s": [0.3, 0.2, 1, 1]}]},
                 "o": {"a": 0, "k": 100}, "r": 1},
                {"ty": "st", "c": {"a": 0, "k": [1, 1, 1, 1]}, "o": {"a": 0, "k": 100},
                 "w": {"a": 0, "k": 6}, "lc": 2, "lj": 2},
                {"ty": "tr", "p": {"a": 0, "k": [0, 0]}, "a": {"a": 0, "k": [0, 0]},
                 "s": {"a": 0, "k": [100, 100]}, "r": {"a": 0, "k": 0}, "o": {"a": 0, "k": 100}}]}],
        })  # fmt: skip
    return {"v": "5.7.0", "fr": FPS, "ip": 0, "op": n, "w": W, "h": H, "nm": "stars", "ddd": 0,
            "assets": [], "layers": layers}  # fmt: skip


def _cpu_ms_per_frame(comp: dict, root: Path, repeats: int) -> float:
    c = wv.load(json.dumps(comp))
    runs = []
    for _ in range(repeats):
        with wv.open_job(c, assets_root=root) as job:
            t0 = time.process_time()
            n = sum(1 for _ in job.frames(copy=False))
            runs.append((time.process_time() - t0) * 1000 / n)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=120)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    n = a.frames - a.frames % 3
    with tempfile.TemporaryDirectory(prefix="wavyte-anim-bench-") as tmp:
        root = Path(tmp)
        _video(root / "lap.mp4", n // 3)
        _video(root / "long.mp4", n)
        looped = _cpu_ms_per_frame(
            _comp({"v": {"Video": {"source": "lap.mp4", "loop": True}}}, [_clip("v", "v", n)], n),
            root, a.repeats,
        )  # fmt: skip
        once = _cpu_ms_per_frame(
            _comp({"v": {"Video": {"source": "long.mp4"}}}, [_clip("v", "v", n)], n),
            root,
            a.repeats,
        )
        print(f"loop   1080p video, looped x3: {looped:7.2f} ms/frame   played once: {once:7.2f}"
              f"   ratio {looped / once:.2f}")  # fmt: skip

        try:
            from rlottie_python import LottieAnimation
        except ImportError:
            print("lottie skipped: pip install wavyte-asset-lottie")
        else:
            doc = _lottie(n)
            (root / "stars.json").write_text(json.dumps(doc))
            anim = LottieAnimation.from_data(json.dumps(doc))
            alone = []
            for _ in range(a.repeats):
                t0 = time.process_time()
                for f in range(n):
                    anim.lottie_animation_render(frame_num=f, width=W, height=H)
                alone.append((time.process_time() - t0) * 1000 / n)
            rl = statistics.median(alone)
            through = _cpu_ms_per_frame(
                _comp({"l": {"Lottie": {"source": "stars.json"}}}, [_clip("l", "l", n)], n),
                root, a.repeats,
            )  # fmt: skip
            print(f"lottie 1080p, 24 stars: wavyte {through:7.2f} ms/frame   rlottie alone {rl:7.2f}"
                  f"   ratio {through / rl:.2f} (budget 1.2)")  # fmt: skip

        shapes = {f"s{i}": {"Shape": {"geometry": {"Rect": {"width": 120, "height": 80, "corner_radius": 12}},
                                      "fill": {"Solid": "#ff8800"}}} for i in range(12)}  # fmt: skip
        child = _comp(
            {"v": {"Video": {"source": "lap.mp4", "loop": True}}, **shapes},
            [_clip("v", "v", n)] + [_clip(k, k, n, 100 + 130 * i, 100 + 60 * i, move=True)
                                   for i, k in enumerate(shapes)],
            n,
        )  # fmt: skip
        (root / "child.json").write_text(json.dumps(child))
        child_alone = _cpu_ms_per_frame(child, root, a.repeats)
        nested = _cpu_ms_per_frame(
            _comp({"c": {"Composition": {"source": "child.json"}}}, [_clip("c", "c", n)], n),
            root, a.repeats,
        )  # fmt: skip
        comp_ms = _composite_ms(child, root, a.repeats)
        print(
            f"nested 1080p child in a 1080p parent: {nested:7.2f} ms/frame   child alone "
            f"{child_alone:7.2f}   ratio {nested / child_alone:.2f} (budget 1.1 + the composite)"
        )
        print(
            f"  the composite (one 1080p child frame drawn into the parent's frame): "
            f"{comp_ms:7.2f} ms   (nested - composite) / child alone "
            f"{(nested - comp_ms) / child_alone:.2f} (budget 1.1)"
        )


def _composite_ms(child: dict, root: Path, repeats: int) -> float:
    """CPU ms to draw one rendered child frame into a cleared parent frame with the default
    rasterizer: what nesting must add at least, whatever the engine does around it."""
    with wv.open_job(wv.load(json.dumps(child)), assets_root=root) as job:
        _, pixels = next(iter(job.frames(copy=True)))
    from wavyte_core.plugin.registry import default_registry
    from wavyte_core.plugin.roles import Surface

    rast = default_registry().create("rasterizer", "skia")
    handle = rast.prepare_image(pixels)
    dst = Surface.alloc(W, H)
    runs = []
    for _ in range(repeats * 20):
        rast.clear(dst)
        t0 = time.process_time()
        rast.draw_image(dst, handle, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), 1.0)
        rast.flush(dst)
        runs.append((time.process_time() - t0) * 1000)
    return statistics.median(runs)


if __name__ == "__main__":
    main()
