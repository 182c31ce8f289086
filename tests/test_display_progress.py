"""Tests for pureml.display.progress: drawn on a terminal, silent elsewhere, blanked on close."""

import io
import os
import unittest
from unittest import mock

from pureml.display import terminal
from pureml.display.progress import Progress
from pureml.errors import ArgumentError
from tests.test_display_terminal import ClosedStream, FakeClock, FakeTTY, screen_line


class ProgressTest(unittest.TestCase):

    def test_draws_nothing_when_not_a_terminal(self):
        stream = io.StringIO()
        with Progress(100, stream=stream) as bar:
            self.assertFalse(bar.active)
            for done in range(0, 101, 10):
                bar.update(done)
        self.assertEqual(stream.getvalue(), "")

    def test_isatty_failing_means_not_a_terminal(self):
        stream = ClosedStream()
        with Progress(10, stream=stream) as bar:
            bar.update(5)
        self.assertFalse(bar.active)
        self.assertEqual(stream.getvalue(), "")

    def test_draws_on_a_terminal(self):
        stream, clock = FakeTTY(), FakeClock()
        bar = Progress(10000, stream=stream, label="Epoch 0", clock=clock)
        self.assertTrue(bar.active)
        clock.now += 1.0
        bar.update(1000)
        line = screen_line(stream.getvalue())
        self.assertTrue(line.startswith("Epoch 0 ["), line)
        self.assertIn(" 1000/10000 ", line)
        self.assertIn("1000 img/s", line)
        self.assertIn("ETA 00:09", line)

    def test_eta_past_an_hour(self):
        stream, clock = FakeTTY(), FakeClock()
        bar = Progress(100000, stream=stream, clock=clock)
        clock.now += 10.0
        bar.update(100)
        self.assertIn("ETA 2:46:30", screen_line(stream.getvalue()))

    def test_first_draw_before_any_speed_is_known(self):
        stream = FakeTTY()
        Progress(50, stream=stream, clock=FakeClock()).update(0)
        self.assertIn("ETA --:--", screen_line(stream.getvalue()))

    def test_respects_min_interval(self):
        stream, clock = FakeTTY(), FakeClock()
        bar = Progress(100, stream=stream, min_interval=0.25, clock=clock)
        draws = []
        for done, step in ((1, 0.0), (2, 0.1), (3, 0.1), (4, 0.1), (5, 0.1), (6, 0.3)):
            clock.now += step
            before = len(stream.getvalue())
            bar.update(done)
            draws.append(len(stream.getvalue()) > before)
        # drawn at t=0; skipped at 0.1 and 0.2; drawn at 0.3, then 0.4 is too soon
        self.assertEqual(draws, [True, False, False, True, False, True])

    def test_never_writes_a_newline(self):
        stream, clock = FakeTTY(), FakeClock()
        with Progress(1000, stream=stream, clock=clock, min_interval=0) as bar:
            for done in range(0, 1001, 50):
                clock.now += 0.01
                bar.update(done)
        self.assertNotIn("\n", stream.getvalue())

    def test_close_leaves_a_blank_line(self):
        stream, clock = FakeTTY(), FakeClock()
        bar = Progress(1000, stream=stream, label="Epoch 3", clock=clock, min_interval=0)
        for done in (0, 500, 1000):
            clock.now += 1
            bar.update(done)
        bar.close()
        self.assertTrue(stream.getvalue().endswith("\r"))
        self.assertEqual(screen_line(stream.getvalue()).strip(), "")
        written = stream.getvalue()
        bar.close()
        bar.update(1000)
        self.assertEqual(stream.getvalue(), written)  # closed means silent

    def test_shorter_redraw_covers_the_longer_line(self):
        stream, clock = FakeTTY(), FakeClock()
        bar = Progress(10, stream=stream, clock=clock, min_interval=0)
        bar.update(0)
        first = screen_line(stream.getvalue())
        bar.label = ""
        clock.now += 1
        bar.update(5)
        self.assertGreaterEqual(len(screen_line(stream.getvalue())), len(first))

    def test_context_manager_clears_on_an_exception(self):
        stream = FakeTTY()
        with self.assertRaises(KeyboardInterrupt):
            with Progress(10, stream=stream, clock=FakeClock()) as bar:
                bar.update(3)
                raise KeyboardInterrupt
        self.assertEqual(screen_line(stream.getvalue()).strip(), "")

    def test_close_without_drawing_writes_nothing(self):
        stream = FakeTTY()
        Progress(10, stream=stream).close()
        self.assertEqual(stream.getvalue(), "")

    def test_line_fits_the_terminal(self):
        bar = Progress(60000, stream=FakeTTY(), label="Epoch 12", clock=FakeClock())
        bar.update(30000)
        for columns in (120, 79, 60, 40, 20):
            line = bar.render_line(12.0, columns)
            self.assertLessEqual(terminal.display_width(line), columns)
        self.assertEqual(len(bar.render_line(1.0, 79)), len(bar.render_line(100.0, 79)))

    def test_terminal_reporting_zero_columns_gets_eighty(self):
        stream = FakeTTY()
        stream.fileno = lambda: 2
        with mock.patch("pureml.display.progress.os.get_terminal_size",
                        return_value=os.terminal_size((0, 0))):
            bar = Progress(10, stream=stream, label="Epoch 0", clock=FakeClock())
            bar.update(5)
        line = screen_line(stream.getvalue())
        self.assertIn("5/10", line)
        self.assertLessEqual(len(line), 79)

    def test_ascii_bar_on_an_ascii_terminal(self):
        stream = FakeTTY()
        stream.encoding = "ascii"
        bar = Progress(10, stream=stream, clock=FakeClock())
        bar.update(10)
        line = screen_line(stream.getvalue())
        self.assertTrue(line.isascii(), "the bar must be plain ASCII here: %r" % line)
        self.assertIn("10/10", line)

    def test_update_checks_done_even_off_a_terminal(self):
        bar = Progress(10, stream=io.StringIO())
        for bad in (-1, 11, 2.5):
            with self.assertRaisesRegex(ArgumentError, "from 0 to 10"):
                bar.update(bad)

    def test_bad_total(self):
        with self.assertRaisesRegex(ArgumentError, "total"):
            Progress(-1, stream=io.StringIO())

    def test_bad_min_interval(self):
        with self.assertRaisesRegex(ArgumentError, "min_interval"):
            Progress(10, stream=io.StringIO(), min_interval=float("nan"))

    def test_bad_clock(self):
        with self.assertRaisesRegex(ArgumentError, "clock"):
            Progress(10, stream=io.StringIO(), clock=5)

    def test_zero_total(self):
        stream = FakeTTY()
        with Progress(0, stream=stream, clock=FakeClock()) as bar:
            bar.update(0)
            self.assertIn("100%", screen_line(stream.getvalue()))



if __name__ == "__main__":
    unittest.main()
