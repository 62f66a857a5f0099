"""Regenerate the benchmark scene's assets reproducibly (fixed seed, no network).

    python conformance/wavyte_conformance/scenes/bench/make_assets.py

The reference bench discovered a JPEG photo, an SVG logo and a TTF font in an untracked
folder; here they are generated/copied into ``assets/`` and committed: a 1024×683 photo-like
JPEG, the demo's logo SVG, and Noto Sans Display Bold (OFL) in place of Playfair Display,
which is not redistributable from this machine's package mirrors. The scene JSONs beside
this file are the shared bench scenes with only ``font_source`` changed accordingly.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[3]
sys.path.insert(0, str(ROOT / "examples"))

from make_assets import landscape, save_jpeg  # noqa: E402

if __name__ == "__main__":
    out = HERE / "assets"
    out.mkdir(exist_ok=True)
    save_jpeg(out / "test_image_1.jpg", landscape(1024, 683, seed=11))
    shutil.copy(ROOT / "examples/assets/logo.svg", out / "logo.svg")
    shutil.copy(
        ROOT / "examples/assets/fonts/NotoSansDisplay-Bold.ttf", out / "NotoSansDisplay-Bold.ttf"
    )
    print("wrote", *sorted(p.name for p in out.iterdir()))
