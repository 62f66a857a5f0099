"""Preparation, run once per job: asset paths resolved, images and SVGs sized and decoded,
text shaped with HarfBuzz, paths parsed, audio decoded, video cursors shared, caches.
"""
