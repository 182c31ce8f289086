"""What pureml shows: on a terminal, and in SVG files.

    terminal   digits drawn in text, and aligned tables (evaluate's)
    progress   a one-line progress bar, drawn only on a terminal
    plot       training curves as a standalone SVG file
"""
