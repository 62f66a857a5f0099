"""Drawing one frame: the frame renderer (plan, layer caches, prefix snapshots), the numpy
reference compositor, the exact blur, and the built-in effects and transitions.
"""
