"""The parts `make test` installs from outside PyPI and promises to test, and what a test
does when one is missing: it **fails**, naming the part and the command that installs it,
unless ``WAVYTE_ALLOW_MISSING`` lists the part (then it skips with that reason).

``WAVYTE_ALLOW_MISSING`` is a comma-separated list of part names (``cairo,chromium``) or
``all``: for machines without root where `scripts/install-*` cannot install them. CI
leaves it unset, so a part that vanished fails the run instead of shrinking it silently.

Parts: ``cairo`` (pycairo and the cairo backend plugin; needs libcairo2-dev),
``chromium`` (Playwright and Debian's chromium, for the preview's browser tests),
``emoji`` (the Noto Color Emoji font). Checked when a test asks; cheap (no imports of
the parts themselves).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

ALLOW_VAR = "WAVYTE_ALLOW_MISSING"
EMOJI_FONT = Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")
INSTALL = {
    "cairo": "sudo apt-get install libcairo2-dev pkg-config && make test (scripts/install-cairo)",
    "chromium": "sudo apt-get install chromium fonts-liberation && make test "
    "(scripts/install-chromium)",
    "emoji": "sudo apt-get install fonts-noto-color-emoji (scripts/install-fonts)",
}


def chromium_path() -> str | None:
    """The browser the preview's browser tests launch (``WAVYTE_CHROMIUM`` overrides)."""
    return os.environ.get("WAVYTE_CHROMIUM") or shutil.which("chromium")


def missing(part: str) -> str | None:
    """Why ``part`` is not usable here, or None when it is."""
    if part == "cairo":
        for mod in ("cairo", "wavyte_backend_cairo"):
            if importlib.util.find_spec(mod) is None:
                return f"{mod} is not installed"
        return None
    if part == "chromium":
        if importlib.util.find_spec("playwright") is None:
            return "playwright is not installed"
        return None if chromium_path() else "Debian's chromium is not installed"
    if part == "emoji":
        return None if EMOJI_FONT.exists() else f"{EMOJI_FONT} is missing"
    raise ValueError(f"unknown part {part!r}; parts: {', '.join(INSTALL)}")


def allowed_missing() -> set[str]:
    raw = os.environ.get(ALLOW_VAR, "")
    names = {p.strip() for p in raw.split(",") if p.strip()}
    return set(INSTALL) if "all" in names else names


def need(part: str, *, module: bool = False) -> None:
    """Call where a test needs ``part``: nothing when it is there; otherwise a failure, or
    a skip when ``WAVYTE_ALLOW_MISSING`` allows it (``module=True`` at module level)."""
    why = missing(part)
    if why is None:
        return
    text = f"{part}: {why}; install: {INSTALL[part]}"
    if part in allowed_missing():
        pytest.skip(f"{text} ({ALLOW_VAR} allows it)", allow_module_level=module)
    pytest.fail(f"{text}, or set {ALLOW_VAR}={part} to skip its tests", pytrace=False)
