"""Report the round-trip quality of every output codec (figures, not a test).

Renders the codec test scene (tests/codec_scene.py: 64×48, 8 frames, translucent
gradient, moving square, tone) with each codec's defaults, decodes it back with PyAV and
prints per codec: worst-frame PSNR of the colour against the rendered frames, the alpha
error where alpha is kept, the file size and the audio codec.

    .venv/bin/python scripts/benchmarks/codec_quality.py
"""

from __future__ import annotations

import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import wavyte_core as wv  # noqa: E402
from tests.codec_scene import decode_rgba, decode_sequence, make_scene, premultiply, psnr  # noqa: E402
from wavyte_core.output.flatten import unpremultiply_to_rgba  # noqa: E402

CASES = [
    ("h264", "out.mp4", {}),
    ("h265", "out_h265.mp4", {"codec": "h265"}),
    ("vp9", "out.webm", {}),
    ("prores 422 HQ", "out.mov", {"codec": "prores"}),
    ("gif (video palette)", "out.gif", {}),
    ("gif (frame palette, bayer)", "out_f.gif", {"palette": "frame", "dither": "bayer"}),
    ("jpeg (qscale 3)", "jpg/f_%05d.jpg", {}),
    ("png", "png/f_%05d.png", {}),
    ("prores 4444 + alpha", "alpha.mov", {"alpha": True}),
    ("vp9 + alpha", "alpha.webm", {"alpha": True}),
    ("png + alpha", "apng/f_%05d.png", {"alpha": True}),
]


def main() -> None:
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        comp_path = make_scene(root / "scene")
        comp = wv.load(comp_path)
        print(f"{'codec':28} {'min PSNR dB':>11} {'alpha':>24} {'bytes':>8}  audio")
        for alpha in (False, True):
            with wv.open_job(comp, assets_root=comp_path.parent, alpha=alpha, workers=1) as job:
                ref = [f.copy() for _, f in job.frames()]
                for name, out, opts in CASES:
                    if bool(opts.get("alpha")) != alpha:
                        continue
                    target = root / out
                    job.render(target, **opts)
                    _report(name, target, opts, ref, alpha)


def _report(name: str, target: Path, opts: dict, ref: list[np.ndarray], alpha: bool) -> None:
    if "%" in target.name:
        frames = decode_sequence(target.parent, "f_*" + target.suffix)
        size = sum(p.stat().st_size for p in target.parent.iterdir())
        audio = "-"
    else:
        frames, info = decode_rgba(target, vp9_alpha=alpha and target.suffix == ".webm")
        size = target.stat().st_size
        audio = ",".join(info["audio"]) or "-"
    straight = [unpremultiply_to_rgba(f) for f in ref]
    if alpha:
        colour = min(
            psnr(premultiply(f), premultiply(r)) for f, r in zip(frames, straight, strict=True)
        )
        diff = max(
            int(np.abs(f[..., 3].astype(int) - r[..., 3]).max())
            for f, r in zip(frames, straight, strict=True)
        )
        a_psnr = min(psnr(f[..., 3], r[..., 3]) for f, r in zip(frames, straight, strict=True))
        alpha_txt = f"max diff {diff}, {a_psnr:.1f} dB"
    else:
        colour = min(psnr(f[..., :3], r[..., :3]) for f, r in zip(frames, straight, strict=True))
        alpha_txt = "-"
    print(f"{name:28} {colour:11.1f} {alpha_txt:>24} {size:8d}  {audio}  ({len(frames)} frames)")


if __name__ == "__main__":
    main()
