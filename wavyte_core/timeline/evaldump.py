"""The evaluation dump (wavyte-format.md §1.14) and the static-frame fingerprint.

``dump_frame_graph`` writes a ``FrameGraph`` exactly as the reference serialises its
``EvaluatedGraph``: compact, fields in declaration order, ids and kinds as written, floats
with the zmij rules, params re-serialised with sorted keys. It backs ``wavyte eval`` and the
snapshot conformance vector (Appendix A item 1).

``fingerprint`` is the elision key: two frames with equal fingerprints render to the same
pixels. It does not reproduce the §7.4 byte layout (the format allows any equivalent
injective key); it packs the node numbers, which identify everything else through the clip.
"""

from __future__ import annotations

import struct

from wavyte_core.format.jsonfmt import dumps_str, dumps_value, format_f64
from wavyte_core.format.model import TransitionSpec
from wavyte_core.timeline.evaluate import EvalNode, Evaluator, FrameGraph

__all__ = ["dump_frame_graph", "fingerprint"]


def _transition_prefix(spec: TransitionSpec | None) -> tuple[str, str] | None:
    if spec is None:
        return None
    return '{"kind":' + dumps_str(spec.kind) + ',"progress":', ',"params":' + dumps_value(
        spec.params
    ) + "}"


_Shell = tuple[str, str] | None
_Parts = tuple[str, str, str, _Shell, _Shell]


def _static_parts(ev: Evaluator) -> list[_Parts]:
    """Per clip, the parts of its dump that never change (built once per evaluator)."""
    cached = ev._dump_parts
    if cached is not None:
        return cached
    parts: list[_Parts] = []
    for info in ev.clips:
        clip = info.clip
        head = '{"clip_id":' + dumps_str(clip.id) + ',"asset":' + dumps_str(clip.asset) + ',"z":'
        blend = ',"blend":' + dumps_str(str(clip.props.blend)) + ',"source_time_s":'
        effects = (
            ',"effects":['
            + ",".join(
                '{"kind":' + dumps_str(e.kind) + ',"params":' + dumps_value(e.params) + "}"
                for e in clip.effects
            )
            + "]"
        )
        t_in = _transition_prefix(clip.transition_in)
        t_out = _transition_prefix(clip.transition_out)
        parts.append((head, blend, effects, t_in, t_out))
    ev._dump_parts = parts
    return parts


def _transition(shell: _Shell, progress: float | None) -> str:
    if shell is None or progress is None:
        return "null"
    return shell[0] + format_f64(progress) + shell[1]


def _node(all_parts: list[_Parts], n: EvalNode) -> str:
    head, blend, effects, t_in, t_out = all_parts[n.clip]
    src = "null" if n.source_time_s is None else format_f64(n.source_time_s)
    return (
        head
        + str(n.z)
        + ',"transform":['
        + ",".join(format_f64(x) for x in n.transform)
        + '],"opacity":'
        + format_f64(n.opacity)
        + blend
        + src
        + effects
        + ',"transition_in":'
        + _transition(t_in, n.progress_in)
        + ',"transition_out":'
        + _transition(t_out, n.progress_out)
        + ("" if n.matte is None else _matte(all_parts, n.matte))
        + "}"
    )


def _matte(all_parts: list[_Parts], matte: tuple[str, EvalNode | None]) -> str:
    """The 0.3 ``matte`` member of a node (absent for clips without one, so 0.2 documents
    dump exactly as before): the mode and the source clip's node, null where it is not
    active."""
    mode, src = matte
    body = "null" if src is None else _node(all_parts, src)
    return ',"matte":{"mode":' + dumps_str(mode) + ',"source":' + body + "}"


def dump_frame_graph(ev: Evaluator, graph: FrameGraph) -> str:
    """The §1.14 JSON of ``graph``, byte for byte as the reference writes it."""
    parts = _static_parts(ev)
    return (
        '{"frame":'
        + str(graph.frame)
        + ',"nodes":['
        + ",".join(_node(parts, n) for n in graph.nodes)
        + "]}"
    )


# Per node: clip index, presence flags, then 6 transform coefficients, opacity, source time
# and the two progresses as raw f64 bits (NaN- and signed-zero-exact, unlike tuple equality).
_NODE = struct.Struct("<qB10d")
_NAN = float("nan")


def fingerprint(ev: Evaluator, graph: FrameGraph) -> bytes:
    """An exact key of the evaluated state for static-frame elision (DESIGN §5 rule 11).

    Everything a node draws is determined by its clip (asset, effects, blend, transition
    kinds and params are per clip) plus the numbers packed here; ``z`` follows from the clip.
    Costs about a microsecond per node.
    """
    pack = _NODE.pack
    out = []
    for n in graph.nodes:
        src, pi, po = n.source_time_s, n.progress_in, n.progress_out
        flags = (src is not None) | ((pi is not None) << 1) | ((po is not None) << 2)
        out.append(
            pack(
                n.clip,
                flags,
                *n.transform,
                n.opacity,
                _NAN if src is None else src,
                _NAN if pi is None else pi,
                _NAN if po is None else po,
            )
        )
        if n.fx:  # frame-dependent effect passes (animated plugin params)
            out.append(repr(n.fx).encode())
        if n.matte is not None:  # the matte source's state (repr of floats is exact)
            out.append(b"m" + repr(n.matte).encode())
    return b"".join(out)
