"""What pureml shows: on a terminal, and in SVG files.

    terminal   digits drawn in text, and aligned tables (evaluate's)
    progress   a one-line progress bar, drawn only on a terminal
    svg        the small pieces every SVG picture is built from: escaping,
               scales, ticks, the document
    charts     a Figure of Panels, in matplotlib's vocabulary
    layout     how a Panel is drawn: ranges, ticks, margins, legend
    marks      what a panel draws: lines, markers, arrows, histograms, bars
    contour    contour lines of a function on a grid (marching squares)
    grids      a grid of small images, and a table of numbers shaded by size
    pictures   pureml's pictures: digits, weight maps, confusion, outputs, curves
    plot       training curves as a standalone SVG file
"""
