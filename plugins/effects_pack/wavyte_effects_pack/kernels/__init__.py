"""Pure pixel kernels of the effects pack: numpy/OpenCV over premultiplied BGRA uint8 arrays.

Nothing here knows about wavyte's plugin API: each kernel takes views of the layer region
(``src``, ``dst``: (h, w, 4) uint8, premultiplied BGRA, same shape) and plain numbers, so the
kernels are unit-tested on small arrays and benchmarked at 1080p on their own. The effect
and transition classes (`..effects`, `..transitions`) choose the region from the layer
bounds and call them once per rendered frame.

Rules every kernel keeps (DESIGN.md §3, §5): whole-array OpenCV/numpy only, no per-pixel
Python; scratch arrays come from a `Scratch` owned by the effect instance, so a steady
render allocates nothing; the output is premultiplied (each colour <= alpha); the input is
never written.
"""
