"""The commands this distribution adds to ``wavyte`` (entry-point group ``wavyte.commands``)."""
