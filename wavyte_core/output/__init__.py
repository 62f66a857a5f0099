"""Where frames go: the codecs table and output settings, the PyAV, GIF and null encoders,
unpremultiplication, PNG stills and the file / sequence targets.
"""
