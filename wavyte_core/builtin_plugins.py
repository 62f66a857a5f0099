"""The core's own plugins (numpy compositor, PyAV encoder, effects, transitions)."""
