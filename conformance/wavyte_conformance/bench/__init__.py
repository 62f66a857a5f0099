"""The benchmark suite: ``wavyte bench`` (DESIGN.md §6).

    wavyte bench                                  # every scene, 640x360 + 1920x1080, 3 repeats
    wavyte bench --scene bench --scene animated --repeats 3 --peer-repeats 1
    wavyte bench --smoke                          # CI: one 30-frame scene, no peer

Modules: `scenes` (the scene documents), `floor` (hand-written skia+PyAV loop and
encoder-alone floors), `measure` (one measurement in a fresh process), `runner` (scenes ×
sizes × combinations × workers), `peer` + `peer_moviepy` (MoviePy 2.x in its own venv),
`report` (table, bench.json, bench.md, bench.png). Timings are reported, never asserted.
"""
