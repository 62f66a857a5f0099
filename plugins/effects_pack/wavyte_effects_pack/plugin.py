"""Entry module of the effects pack (entry-point group ``wavyte``).

Imported by the registry at startup, so it imports nothing heavy: numpy and OpenCV are
imported by the effect classes when a composition uses one.
"""

from __future__ import annotations
