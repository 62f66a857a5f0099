"""wavyte-effects-pack: first-party effects and transitions built only on wavyte's public
plugin API. The entry module is `wavyte_effects_pack.plugin`; the pixel maths lives in
`wavyte_effects_pack.kernels` (numpy/OpenCV, importable and testable on its own)."""
