"""The core's built-in plugins, registered through the same hooks as third-party ones:
the exact numpy reference compositor, the PyAV encoder, the built-in effects
(opacity_mul, transform_post, blur) and transitions (crossfade, wipe)."""

from __future__ import annotations

from wavyte_core.plugin.hookspecs import hookimpl
from wavyte_core.plugin.specs import EffectKindSpec, RoleSpec, TransitionKindSpec


def _numpy_compositor():  # noqa: ANN202 - factory
    from wavyte_core.render.compositor_numpy import NumpyCompositor

    return NumpyCompositor()


def _pyav_encoder():  # noqa: ANN202
    from wavyte_core.output.encoder_pyav import PyAVEncoder

    return PyAVEncoder()


def _null_encoder():  # noqa: ANN202
    from wavyte_core.output.encoder_null import NullEncoder

    return NullEncoder()


def _local_executor():  # noqa: ANN202
    from wavyte_core.run.executor import LocalExecutor

    return LocalExecutor()


def _check_av() -> str | None:
    try:
        import av  # noqa: F401
    except Exception as exc:  # pragma: no cover - av is a core dependency
        return f"cannot import av: {exc}"
    return None


@hookimpl
def wavyte_register_compositors() -> list[RoleSpec]:
    return [
        RoleSpec(
            name="numpy",
            factory=_numpy_compositor,
            capabilities=frozenset({"over", "crossfade", "wipe", "blur", "blend", "exact"}),
            description="reference compositor: the format's integer math, bit for bit",
        )
    ]


@hookimpl
def wavyte_register_encoders() -> list[RoleSpec]:
    return [
        RoleSpec(
            name="pyav",
            factory=_pyav_encoder,
            capabilities=frozenset(
                {"mp4", "mov", "mkv", "webm", "gif", "sequence", "alpha", "aac", "opus"}
                | {"h264", "h265", "vp9", "prores", "png", "jpeg"}
            ),
            check=_check_av,
            install_hint="pip install av",
            description="H.264/HEVC/VP9/ProRes (+AAC/Opus), GIF, PNG/JPEG sequences, alpha, "
            "through PyAV's bundled FFmpeg libraries (no system ffmpeg)",
        ),
        RoleSpec(
            name="null",
            factory=_null_encoder,
            capabilities=frozenset({"discard"}),
            description="discards frames (render-only throughput through the real render loop)",
        ),
    ]


@hookimpl
def wavyte_register_executors() -> list[RoleSpec]:
    return [
        RoleSpec(
            name="local",
            factory=_local_executor,
            capabilities=frozenset({"batch", "segments"}),
            description="this machine: worker processes (one task at a time each), or in-process",
        )
    ]


@hookimpl
def wavyte_register_effects() -> list[EffectKindSpec]:
    from wavyte_core.render.builtin_effects import EFFECT_KINDS

    return list(EFFECT_KINDS)


@hookimpl
def wavyte_register_transitions() -> list[TransitionKindSpec]:
    from wavyte_core.render.builtin_transitions import TRANSITION_KINDS

    return list(TRANSITION_KINDS)


@hookimpl
def wavyte_register_asset_kinds() -> list[type]:
    from wavyte_core.assets.captions_kind import CaptionsKind
    from wavyte_core.assets.shape_kind import ShapeKind
    from wavyte_core.assets.waveform_kind import WaveformKind
    from wavyte_core.nested import CompositionKind

    return [ShapeKind, CaptionsKind, WaveformKind, CompositionKind]
