"""The ``wavyte`` command line (Typer), one module per command."""
