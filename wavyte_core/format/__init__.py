"""The composition format: JSON parsing with positions, the typed frozen model, loading
(JSON paths in every error), validation, the canonical dump, asset-path confinement and
the Python builder. Imports nothing else of wavyte but `errors`.
"""
