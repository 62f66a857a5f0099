"""acme-fx: an example third-party wavyte plugin (see README.md)."""
