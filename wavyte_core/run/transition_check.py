"""Plugin transitions that would silently render as plain fades: warnings before a render.

A transition pairs at render time when one layer's ``transition_out`` and the next
layer's ``transition_in`` are active on the same frames with the same progress and the
outgoing kind's ``can_pair`` accepts the incoming one (format §4.5); otherwise each side
is the format's plain fade. For the format's own kinds that is the 0.2 rule. For a plugin
kind it is nearly always a mistake — only one side given, the sides' windows do not
line up, or their kinds or params differ — so `transition_warnings` names each such
transition once, from the document alone (no frame is evaluated). ``wavyte validate``
prints them; ``render`` reports them (``render --json``: ``warnings``).

Called once per check or job, never per frame.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

from wavyte_core.errors import CompositionError
from wavyte_core.format.model import Composition, TransitionSpec
from wavyte_core.plugin.registry import Registry

__all__ = ["transition_warnings"]


@dataclass(frozen=True, slots=True)
class _Side:
    path: str  # tracks[0].clips[1].transition_out
    clip: str
    spec: TransitionSpec
    start: int  # the window [start, end) on the timeline
    end: int


def _window(spec: TransitionSpec, start: int, end: int, edge: str) -> tuple[int, int] | None:
    length = max(end - start, 0)
    if spec.duration_frames <= 0 or length == 0:
        return None
    dur = min(spec.duration_frames, length)
    return (start, start + dur) if edge == "in" else (end - dur, end)


def _plugin_kind(registry: Registry, spec: TransitionSpec) -> Any:
    kind = registry.transitions.get(spec.kind.strip().lower())
    return kind if kind is not None and kind.transition is not None else None


def _bound(kind: Any, spec: TransitionSpec, path: str) -> tuple[Any, Any] | None:
    try:
        p = kind.param_set.bind(spec.params, path + ".params").first
    except CompositionError:
        return None  # reported as an error by the load checks
    return kind.transition(), p


def _pairs(registry: Registry, out: _Side, inc: _Side) -> str | None:
    """Why ``out`` and ``inc`` (whose windows overlap) do not pair, or None."""
    if (out.start, out.end) != (inc.start, inc.end):
        return (
            f"its window (frames {out.start}..{out.end - 1}) differs from that of "
            f"{inc.path} (frames {inc.start}..{inc.end - 1}): both sides need the same "
            "duration_frames and the clips must overlap by exactly that"
        )
    if out.spec.ease != inc.spec.ease:
        return f"its ease differs from that of {inc.path}"
    ka, kb = _plugin_kind(registry, out.spec), _plugin_kind(registry, inc.spec)
    if ka is None or kb is None or ka is not kb:
        return f"{inc.path} is '{inc.spec.kind}', not '{out.spec.kind}'"
    a, b = _bound(ka, out.spec, out.path), _bound(kb, inc.spec, inc.path)
    if a is None or b is None:
        return None
    try:
        ok = a[0].can_pair(a[1], b[0], b[1])
    except Exception:  # a plugin bug: the render reports it
        return None
    if not ok:
        return (
            f"its params differ from those of {inc.path} ({out.spec.params} vs {inc.spec.params})"
        )
    return None


def transition_warnings(comp: Composition, registry: Registry) -> list[str]:
    """One line per plugin transition that cannot pair and so renders as a plain fade."""
    outs: list[_Side] = []
    ins: list[_Side] = []
    for ti, track in enumerate(comp.tracks):
        for ci, clip in enumerate(track.clips):
            base = f"tracks[{ti}].clips[{ci}]"
            r = clip.range
            for edge, spec, bucket in (
                ("in", clip.transition_in, ins),
                ("out", clip.transition_out, outs),
            ):
                if spec is None:
                    continue
                w = _window(spec, r.start, r.end, edge)
                if w is None:
                    continue
                bucket.append(_Side(f"{base}.transition_{edge}", clip.id, spec, *w))
    plugin_outs = [s for s in outs if _plugin_kind(registry, s.spec) is not None]
    plugin_ins = [s for s in ins if _plugin_kind(registry, s.spec) is not None]
    if not plugin_outs and not plugin_ins:
        return []
    warnings: list[str] = []
    fade = "it renders as a plain fade"
    paired_ins: set[str] = set()
    ins.sort(key=lambda s: s.start)
    starts = [i.start for i in ins]
    for o in outs:
        # windows overlapping o's: starting before it ends (bisect), ending after it starts
        cands = ins[: bisect.bisect_left(starts, o.end)]
        partners = [i for i in cands if o.start < i.end and i.clip != o.clip]
        reasons = []
        for i in partners:
            why = _pairs(registry, o, i)
            if why is None:
                paired_ins.add(i.path)
                break
            reasons.append(why)
        else:
            if o not in plugin_outs and not any(i in plugin_ins for i in partners):
                continue
            if not partners:
                warnings.append(
                    f"{o.path}: transition '{o.spec.kind}' of clip '{o.clip}' has no "
                    f"transition_in on another clip during frames {o.start}..{o.end - 1} "
                    f"to pair with; {fade} (give the incoming clip the same transition_in)"
                )
            else:
                for i, why in zip(partners, reasons, strict=True):
                    paired_ins.add(i.path)  # explained here, not again below
                    warnings.append(
                        f"{o.path}: transition '{o.spec.kind}' does not pair: {why}; "
                        f"both clips render as plain fades"
                    )
    for i in plugin_ins:
        if i.path in paired_ins:
            continue
        warnings.append(
            f"{i.path}: transition '{i.spec.kind}' of clip '{i.clip}' has no "
            f"transition_out on another clip during frames {i.start}..{i.end - 1} to pair "
            f"with; {fade} (give the outgoing clip the same transition_out)"
        )
    return warnings
