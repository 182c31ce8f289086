"""A one-line progress bar drawn on a terminal, and nothing at all anywhere else.

``Progress(total, stream=..., label=...)`` draws "label [====    ] done/total
elapsed, rate, time left" on one line of a terminal, redrawn at most a few
times a second, and blanks it on ``close``; when its stream is not a
terminal (a pipe, a file, a notebook's captured output) it writes nothing.
"""

import io
import math
import numbers
import os
import shutil
import sys
import time

from pureml.display.terminal import display_width, pick_style
from pureml.errors import ArgumentError

__all__ = ["Progress"]


def _is_tty(stream):
    """Return True when ``stream`` says it is a terminal; False if it cannot say."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def _columns(stream):
    """Return the width in columns of the terminal behind ``stream`` (80 if unknown).

    A pseudo-terminal may report 0 columns; that counts as unknown.
    """
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError, TypeError, io.UnsupportedOperation):
        columns = shutil.get_terminal_size((80, 24)).columns
    return columns if columns > 0 else 80


def _clock_text(seconds):
    """Return ``seconds`` as mm:ss, or h:mm:ss from an hour up."""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return "%d:%02d:%02d" % (hours, minutes, secs)
    return "%02d:%02d" % (minutes, secs)


class Progress:
    """A one-line progress bar drawn on a terminal, and nothing anywhere else.

    ``Progress(total, stream=None, label="", min_interval=0.25,
    clock=time.monotonic)`` draws on ``stream`` (``sys.stderr`` by default)
    only when ``stream.isatty()`` is true; otherwise every method does
    nothing beyond checking its arguments.  ``update(done)`` redraws at most
    once every ``min_interval`` seconds of ``clock``, showing the bar,
    images done out of ``total``, images per second and the time left.  The
    line is redrawn in place with a carriage return and never ends with a
    newline; ``close()`` blanks it, so what is printed next starts on a
    clean line.  Used as a context manager, it closes on the way out, even
    when the block raises (Ctrl-C included).
    """

    def __init__(self, total, *, stream=None, label="", min_interval=0.25,
                 clock=time.monotonic):
        if isinstance(total, bool) or not isinstance(total, numbers.Integral) or total < 0:
            raise ArgumentError("total must be a non-negative integer, not %r" % (total,))
        if (not isinstance(min_interval, numbers.Real) or not math.isfinite(min_interval)
                or min_interval < 0):
            raise ArgumentError("min_interval must be a non-negative number of seconds, "
                                "not %r" % (min_interval,))
        if not callable(clock):
            raise ArgumentError("clock must be a function returning seconds, not %r"
                                % (clock,))
        self.total = int(total)
        self.stream = sys.stderr if stream is None else stream
        self.label = str(label)
        self.min_interval = float(min_interval)
        self.clock = clock
        self.active = _is_tty(self.stream)
        self.done = 0
        self._closed = False
        self._drawn_width = 0
        self._last_draw = None
        self._start = clock() if self.active else None
        blocks = pick_style(self.stream) == "blocks"
        self._fill, self._empty = ("█", "░") if blocks else ("#", "-")

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close()
        return False

    def update(self, done):
        """Record that ``done`` images are finished, redrawing if it is time; return None.

        Raises ``ArgumentError`` when ``done`` is not an integer from 0 to
        ``total``, whether or not the bar is being drawn.
        """
        if (isinstance(done, bool) or not isinstance(done, numbers.Integral)
                or not 0 <= done <= self.total):
            raise ArgumentError("done must be an integer from 0 to %d, not %r"
                                % (self.total, done))
        self.done = int(done)
        if not self.active or self._closed:
            return
        now = self.clock()
        if self._last_draw is not None and now - self._last_draw < self.min_interval:
            return
        self._last_draw = now
        self._draw(self.render_line(now - self._start, _columns(self.stream) - 1))

    def render_line(self, elapsed, columns):
        """Return the bar's text for ``elapsed`` seconds, fitted into ``columns``.

        This is what ``update`` draws, without the carriage return; it is
        public so that its layout can be checked without a terminal.  The
        fields have fixed widths, so the bar keeps its length from one
        redraw to the next.
        """
        done, total = self.done, self.total
        fraction = done / total if total else 1.0
        if done and elapsed > 0:
            rate = done / elapsed
            speed = "%6.0f img/s" % rate
            eta = "ETA " + _clock_text((total - done) / rate)
        else:
            speed, eta = "    -- img/s", "ETA --:--"
        counts = "%*d/%d" % (len(str(total)), done, total)
        tail = " %s %3.0f%%  %s  %s" % (counts, 100 * fraction, speed, eta)
        head = self.label + " " if self.label else ""
        # The widest tail for this ETA: the bar's length changes only when
        # the ETA gains or loses its hours.
        widest = len(" %s 100%%  %s img/s  %s" % (counts, "0" * 6, eta))
        room = columns - display_width(head) - widest - 2
        if room >= 10:
            bar_width = min(40, room)
            filled = int(bar_width * fraction)
            bar = "[" + self._fill * filled + self._empty * (bar_width - filled) + "]"
            line = head + bar + tail
        else:
            line = head + tail.lstrip()
        if display_width(line) > columns:
            line = line[:max(0, columns)]
        return line

    def _draw(self, line):
        """Write ``line`` over the current one and flush."""
        blank = max(0, self._drawn_width - display_width(line))
        try:
            self.stream.write("\r" + line + " " * blank)
            self.stream.flush()
        except (OSError, ValueError):
            self.active = False
            return
        self._drawn_width = display_width(line)

    def close(self):
        """Blank the bar's line and stop drawing; return None.  Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        if self.active and self._drawn_width:
            try:
                self.stream.write("\r" + " " * self._drawn_width + "\r")
                self.stream.flush()
            except (OSError, ValueError):
                pass
            self._drawn_width = 0


# ---------------------------------------------------------------------------
# Tables
