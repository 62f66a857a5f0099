"""wavyte's certification suite (the ``wavyte-conformance`` distribution).

- `runner`, `catalog`, `report`: ``wavyte conformance``, the pixel-parity matrix of every
  installed backend combination against the stored reference frames (``cases/``,
  ``references/``, shipped as package data).
- `contract` (backend roles), `effect_contract` (effect and transition kinds),
  `decoder_contract` (decoders): pytest base classes a plugin's tests subclass to certify it.
- `plugin_suite`: the parity suite as pytest items, for a plugin's CI.
- `bench`: ``wavyte bench``.
- `commands`: the two commands, added to ``wavyte`` through the ``wavyte.commands``
  entry-point group.
"""
