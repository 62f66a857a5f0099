"""Decoding conformance: the frame-exact video decoding cases, runnable on any decoder.

A decoder plugin certifies itself with the pytest contract built on these cases,
`wavyte_conformance.decoder_contract.DecoderContract`. The cases are also available as
data, for reports::

    from wavyte_conformance.decoding import run_decoder_conformance, write_all
    results = run_decoder_conformance(MyDecoder, write_all(tmp_dir))
    assert all(r.ok for r in results), [r for r in results if not r.ok]
"""

from .cases import CaseResult, compare_decoders, error_cases, run_decoder_conformance
from .media import Clip, read_index, write_all

__all__ = [
    "CaseResult",
    "Clip",
    "compare_decoders",
    "error_cases",
    "read_index",
    "run_decoder_conformance",
    "write_all",
]
