"""Every part `make test` promises to test is here (or allowed to be missing by
``WAVYTE_ALLOW_MISSING``): many tests multiply over the installed backends, so a missing
cairo would otherwise just shrink them, and the run would stay green."""

from __future__ import annotations

import pytest

from tests import parts
from wavyte_core.plugin.registry import default_registry


@pytest.mark.parametrize("part", sorted(parts.INSTALL))
def test_promised_part_is_installed(part: str) -> None:
    parts.need(part)
    if part == "cairo":  # installed is not enough: the registry must offer it
        reg = default_registry()
        assert "cairo" in reg.available("rasterizer") and "cairo" in reg.available("compositor")


def test_missing_part_fails_unless_allowed(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setattr(parts, "EMOJI_FONT", tmp_path / "absent.ttf")
    monkeypatch.delenv(parts.ALLOW_VAR, raising=False)
    with pytest.raises(pytest.fail.Exception, match="WAVYTE_ALLOW_MISSING=emoji"):
        parts.need("emoji")
    monkeypatch.setenv(parts.ALLOW_VAR, "cairo, emoji")
    with pytest.raises(pytest.skip.Exception, match="allows it"):
        parts.need("emoji")
    monkeypatch.setenv(parts.ALLOW_VAR, "all")
    with pytest.raises(pytest.skip.Exception):
        parts.need("emoji")
