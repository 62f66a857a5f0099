"""What a render reports: frame counts, timings per stage, warnings."""

from __future__ import annotations

from dataclasses import dataclass, field


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
