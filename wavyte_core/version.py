"""The version of the wavyte distribution (also in ``pyproject.toml``)."""

__version__ = "0.3.0"
