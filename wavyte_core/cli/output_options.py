"""The output flags of ``wavyte render`` and ``wavyte batch``, generated from
`codecs.OUTPUT_OPTIONS`: a new output option gets its flag, help text and forwarding here
without any change to the commands.

`with_output_options` adds one ``typer.Option`` per entry to a command's signature (once,
when the CLI is built) and hands the command the values the user gave as one dict,
``output_options``, for `codecs.resolve_output`.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import typer

from wavyte_core.output.codecs import OUTPUT_OPTIONS, OutputOption, option_cli_help

QUALITY_PANEL = "Quality (each codec takes its own; see docs/output-formats.md)"


def _parameter(opt: OutputOption) -> inspect.Parameter:
    decls = [opt.flag] + ([opt.short] if opt.short else [])
    panel = QUALITY_PANEL if opt.panel else None
    if opt.kind is bool:
        default = typer.Option(False, *decls, help=option_cli_help(opt), rich_help_panel=panel)
        annotation: Any = bool
    else:
        default = typer.Option(None, *decls, help=option_cli_help(opt), rich_help_panel=panel)
        annotation = opt.kind | None
    return inspect.Parameter(
        opt.name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


def with_output_options(
    *, exclude: tuple[str, ...] = ()
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a Typer command that takes ``output_options: dict``: the command gets a
    flag per output option (except ``exclude``) and receives the given ones (not None,
    not a False flag) in that dict."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        sig = inspect.signature(func, eval_str=True)
        own = [p for p in sig.parameters.values() if p.name != "output_options"]
        taken = {p.name for p in own}
        added = [_parameter(o) for o in OUTPUT_OPTIONS if o.name not in exclude]
        clash = taken & {p.name for p in added}
        if clash:
            raise TypeError(f"{func.__name__} already has output options {sorted(clash)}")
        names = [p.name for p in added]

        @functools.wraps(func)
        def command(*args: Any, **kwargs: Any) -> Any:
            given = {n: kwargs.pop(n) for n in names}
            chosen = {n: v for n, v in given.items() if v is not None and v is not False}
            return func(*args, output_options=chosen, **kwargs)

        params = own + added
        command.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}
        del command.__wrapped__  # typer must read the new signature, not func's
        return command

    return decorate
