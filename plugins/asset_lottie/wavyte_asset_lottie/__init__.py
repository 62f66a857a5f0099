"""The ``Lottie`` asset kind for wavyte, on rlottie (see `kind`)."""
