"""The demo composition built with the Python API; it equals ``examples/demo.json``.

python examples/demo_builder.py            # writes demo_built.json and renders demo_built.mp4
"""

from __future__ import annotations

import math
from pathlib import Path

from wavyte_core.format import builder as b
from wavyte_core.format.model import Composition

W, H, FPS, D = 960, 540, 30, 240


def build_demo() -> Composition:
    c = b.CompositionBuilder(width=W, height=H, fps=FPS, duration=D, seed=42)
    c.image("photo", "assets/landscape.jpg")
    c.svg("backdrop", "assets/backdrop.svg")
    c.svg("logo", "assets/logo.svg")
    c.text("title", "wavyte", font="assets/fonts/NotoSansDisplay-Bold.ttf", size_px=112.0)
    c.text(
        "subtitle",
        "Programmatic video from a JSON timeline: shaped text, images, SVG, vector paths, "
        "eased keyframes, transitions, blur and sound.",
        font="assets/fonts/DejaVuSans.ttf",
        size_px=26.0,
        max_width_px=600.0,
        color=(255, 236, 210, 255),
    )
    c.text(
        "hello_hi", "नमस्ते दुनिया", font="assets/fonts/NotoSansDevanagari-Regular.ttf", size_px=40.0
    )
    c.text(
        "hello_ar",
        "مرحبا بالعالم",
        font="assets/fonts/DejaVuSans.ttf",
        size_px=40.0,
        color=(255, 220, 120, 255),
    )
    c.path(
        "star",
        "M50,0 L61.8,35.1 L98.9,35.1 L68.9,56.8 L80.3,91.9 L50,70.2 L19.7,91.9 L31.1,56.8 L1.1,35.1 L38.2,35.1 Z",
    )
    c.path("ring", "M60,0 A60,60 0 1,1 59.99,0 Z M60,14 A46,46 0 1,0 60.01,14 Z")
    c.path("chip", "M14,0 H106 Q120,0 120,14 V22 Q120,36 106,36 H14 Q0,36 0,22 V14 Q0,0 14,0 Z")
    c.audio("music", "assets/chime.m4a", volume=0.8, fade_in_sec=0.5, fade_out_sec=1.0)

    t = b.transform
    soft_wipe = b.wipe(24, dir="ltr", soft_edge=0.25, ease="InOutCubic")
    c.track("background", z_base=0).clip(
        "a_photo_blur",
        asset="photo",
        start=0,
        end=110,
        transform=t(scale=1.5),
        effects=[b.blur(10)],
        transition_out=b.crossfade(20, "InOutQuad"),
    ).clip(
        "b_photo",
        asset="photo",
        start=90,
        end=200,
        z_offset=1,
        transform=b.keyframes([(0, t(scale=1.5), "InOutCubic"), (110, t(-96, -54, scale=1.7))]),
        transition_in=b.crossfade(20, "InOutQuad"),
        transition_out=soft_wipe,
    ).clip("c_backdrop", asset="backdrop", start=176, end=240, z_offset=2, transition_in=soft_wipe)

    c.track("shapes", z_base=5).clip(
        "star",
        asset="star",
        start=0,
        end=240,
        opacity=0.85,
        transform=b.keyframes(
            [(0, t(820, 60, anchor=(50, 50))), (239, t(820, 60, 2 * math.pi, anchor=(50, 50)))]
        ),
    ).clip(
        "ring",
        asset="ring",
        start=20,
        end=240,
        opacity=b.sine(amp=0.25, freq_hz=0.5, phase=0.0, offset=0.6),
        transform=b.keyframes(
            [
                (0, t(60, 380, scale=0.2, anchor=(60, 60)), "OutCubic"),
                (40, t(60, 380, anchor=(60, 60))),
            ]
        ),
    )

    fade_in = b.keyframes([(0, 0.0, "OutQuad"), (15, 1.0)])
    c.track("titles", z_base=10).clip(
        "logo",
        asset="logo",
        start=10,
        end=240,
        opacity=fade_in,
        transform=b.keyframes(
            [
                (0, t(60, 50, -0.6, 0.2, (120, 120)), "OutCubic"),
                (30, t(60, 50, 0, 0.75, (120, 120))),
            ]
        ),
    ).clip(
        "title",
        asset="title",
        start=15,
        end=240,
        transform=b.keyframes([(0, t(-420, 60), "OutCubic"), (35, t(260, 60))]),
    ).clip(
        "subtitle",
        asset="subtitle",
        start=40,
        end=240,
        transform=t(264, 205),
        opacity=b.keyframes([(0, 0.0, "InOutQuad"), (30, 1.0)]),
    ).clip(
        "hello_hi",
        asset="hello_hi",
        start=120,
        end=240,
        transition_in=b.crossfade(15),
        transform=b.keyframes([(0, t(264, 372), "OutQuad"), (25, t(264, 356))]),
    ).clip(
        "hello_ar",
        asset="hello_ar",
        start=135,
        end=240,
        transition_in=b.crossfade(15),
        transform=b.keyframes([(0, t(560, 372), "OutQuad"), (25, t(560, 356))]),
    )

    chips = c.track(
        "chips",
        z_base=8,
        layout_mode="HStack",
        gap=18.0,
        padding=(0.0, 0.0, 440.0, 40.0),
        align_x="Center",
        align_y="Center",
    )
    for i in range(3):
        chips.clip(
            f"chip{i}",
            asset="chip",
            start=60 + 10 * i,
            end=240,
            opacity=b.keyframes([(0, 0.0, "OutQuad"), (20, 0.75)]),
        )

    c.track("audio", z_base=0).clip("music", asset="music", start=0, end=240)
    return c.build()


if __name__ == "__main__":
    import wavyte_core as wv
    from wavyte_core.format.dump import composition_to_json

    here = Path(__file__).parent
    comp = build_demo()
    (here / "demo_built.json").write_text(composition_to_json(comp, indent=2))
    with wv.open_job(comp, assets_root=here) as job:
        job.render(here / "demo_built.mp4")
    print("wrote", here / "demo_built.json", here / "demo_built.mp4")
