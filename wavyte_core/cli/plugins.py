from __future__ import annotations

import typer


def plugins() -> None:
    """List plugins, their roles, whether each is usable, and the commands they add."""
    from rich.console import Console
    from rich.table import Table

    from wavyte_core.plugin.api_version import API_VERSION
    from wavyte_core.plugin.registry import OPTIONAL_KINDS, ROLES, default_registry

    reg = default_registry()
    table = Table(title=f"wavyte plugins (plugin API {API_VERSION})")
    for col in ("plugin", "distribution", "version", "provides", "status"):
        table.add_column(col)
    for info in reg.plugins:
        provides = []
        status = []
        for role, names in info.roles.items():
            provides.append(f"{role}: {', '.join(names)}")
            if role in ROLES:
                for n in names:
                    spec = reg.roles[role].get(n)
                    reason = spec.check() if spec is not None else "name conflict"
                    if reason:
                        hint = (
                            f" (install: {spec.install_hint})"
                            if spec is not None and spec.install_hint
                            else ""
                        )
                        status.append(f"{role} {n} unavailable: {reason}{hint}")
        if info.error:
            status.append(f"broken: {info.error}")
        table.add_row(
            info.name,
            info.distribution,
            info.version,
            "\n".join(provides),
            "\n".join(status) or "ok",
        )
    Console().print(table)
    typer.echo("effects: " + ", ".join(reg.effect_kinds()))
    missing = [k for k in OPTIONAL_KINDS if k not in reg.asset_kinds]
    for kind in missing:
        typer.echo(f"asset kind {kind}: not installed ({OPTIONAL_KINDS[kind]})")
    typer.echo("transitions: " + ", ".join(reg.transition_kinds()))
    from wavyte_core.cli import plugin_commands
    from wavyte_core.cli.main import COMMANDS

    lines = plugin_commands.summary(COMMANDS)
    typer.echo(
        "commands:" + "".join(f"\n  {line}" for line in lines) if lines else "commands: none"
    )
