"""Measure how long loading the whole MNIST set takes, and the peak memory.

Run it from the project's root, with the data root holding mnist/:

    PUREML_DATA=DIR python3 -m tools.loadbench
    python3 -m tools.loadbench --data DIR --function load_data

It prints the wall-clock time of one call and the process's peak resident
set size (``resource.getrusage``), before and after loading.
"""

import argparse
import platform
import sys
import time

from pureml import mnist

try:
    import resource
except ImportError:     # not on Windows
    resource = None


def peak_rss_mb():
    """Return the peak resident set size of this process so far in MB, or None."""
    if resource is None:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / 2 ** 20 if sys.platform == "darwin" else peak / 2 ** 10


def format_mb(value):
    """Return a size in MB for printing, or "n/a"."""
    return "n/a" if value is None else "%.0f MB" % value


def main(argv=None):
    """Load the data once, print the time and peak RSS; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="data root holding mnist/ (default: as pureml finds it)")
    parser.add_argument("--dataset", default="mnist", choices=sorted(mnist.DATASETS))
    parser.add_argument("--function", default="load_data_wrapper",
                        choices=("load_data", "load_data_wrapper"))
    args = parser.parse_args(argv)
    load = getattr(mnist, args.function)
    before = peak_rss_mb()
    start = time.perf_counter()
    training, validation, test = load(args.data, args.dataset)
    seconds = time.perf_counter() - start
    after = peak_rss_mb()
    if args.function == "load_data":
        sizes = (len(training[0]), len(validation[0]), len(test[0]))
    else:
        sizes = (len(training), len(validation), len(test))
    print("%s %s (%s): %s" % (platform.python_implementation(), platform.python_version(),
                              sys.executable, args.function))
    print("sizes %d/%d/%d" % sizes)
    print("time %.2f s, peak RSS %s (%s before loading)"
          % (seconds, format_mb(after), format_mb(before)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
