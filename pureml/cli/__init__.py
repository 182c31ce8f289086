"""The command line: ``python -m pureml`` (or the ``pureml`` script).

Seven subcommands, each with ``--help``:

    train       train a network on MNIST, as the book's chapter 1 does by
                default, with network2's options on top
    evaluate    accuracy, per-class accuracy and a confusion matrix of a
                saved network, and the images it gets wrong
    predict     the digit a saved network sees in your own PNG or PGM files
    serve       a page to draw digits on, and the network's answers
    show        MNIST images drawn in the terminal, with their labels
    download    fetch MNIST (or Fashion-MNIST) and verify it
    gradcheck   compare backpropagation with numerical derivatives

Each command is a module of this package with ``add_parser(commands)``
and ``run(args)``; COMMANDS lists them, so a new command is one module
and one entry there.  ``train --net conv`` is train_conv's.  What the
commands share:

    common      exit codes, messages, loading the data and models
    options     the shared options, and the types that check their values
    session     what training keeps: the progress bar, Ctrl-C, the record
    models      any saved network behind one face (evaluate, predict, serve)

``main(argv)`` returns the exit status: 0 for success, 1 for an error the
user can fix (the message says how, on one line starting ``pureml:``), 2 for
a wrong option (one line saying what is wrong, then where --help is) and
130 after Ctrl-C.  No
traceback is shown for anything the user can cause.
"""

import argparse
import os
import sys

from pureml import __version__
from pureml.cli import download, evaluate, gradcheck, predict, serve, show, train
from pureml.cli.common import (EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE,
                               ArgumentError, error)

__all__ = ["main", "build_parser", "ArgumentError", "COMMANDS", "EXIT_OK", "EXIT_ERROR",
           "EXIT_USAGE", "EXIT_INTERRUPTED"]

#: The commands, in the order --help lists them.
COMMANDS = (train, evaluate, predict, serve, show, download, gradcheck)


_DESCRIPTION = """\
The neural networks of Michael Nielsen's "Neural Networks and Deep Learning"
and Koki Saitou's "Deep Learning from Scratch", in pure Python.  Run a
command with --help for its options."""

_EPILOG = """\
examples:
  {prog} download                      fetch MNIST (train does it too)
  {prog} train --save net.json --plot curves.svg
  {prog} train --cost cross-entropy --init default --lmbda 5 --eta 0.5
  {prog} evaluate net.json --misclassified 6
  {prog} predict net.json my_digit.png --show
  {prog} serve net.json --open              draw digits in the browser
  {prog} show 0 1 2
  {prog} gradcheck --cost log-likelihood --activation relu --lmbda 0.1

The data folder is --data DIR, else $PUREML_DATA, else $XDG_CACHE_HOME/pureml
or ~/.cache/pureml."""


class Parser(argparse.ArgumentParser):
    """argparse's parser, with its errors on one line and a pointer to --help.

    argparse prints the whole usage (twenty lines for ``train``) before the
    one line that matters; here the line comes alone, then where to look.
    Every subcommand's parser is one too (add_subparsers makes its parsers
    of the parent's class).
    """

    def error(self, message):
        """Print "PROG: error: MESSAGE" and "See 'PROG --help'." on stderr; exit with status 2."""
        self.exit(EXIT_USAGE, "%s: error: %s\nSee '%s --help'.\n"
                  % (self.prog, message, self.prog))


def build_parser(prog="pureml"):
    """Return the ``argparse.ArgumentParser`` of the whole command line."""
    parser = Parser(
        prog=prog, description=_DESCRIPTION, epilog=_EPILOG.format(prog=prog),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version="pureml " + __version__)
    parser.set_defaults(prog=prog)     # how the user runs pureml, for suggested commands
    commands = parser.add_subparsers(dest="command", metavar="COMMAND",
                                     title="commands")
    commands.required = True

    for command in COMMANDS:
        command.add_parser(commands)
    return parser


def main(argv=None, prog="pureml"):
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status.

    0 is success, 1 an error explained on stderr in one ``pureml:`` message,
    2 a wrong option (one line, and a pointer to --help), 130 an interrupt (Ctrl-C).
    """
    parser = build_parser(prog)
    try:
        args = parser.parse_args(argv)
        return args.func(args)
    except SystemExit as exit_:      # --help, --version, and usage errors
        return _exit_status(exit_)
    except KeyboardInterrupt:
        error("interrupted")
        return EXIT_INTERRUPTED
    except MemoryError:
        error("out of memory: the network or the data is too large for this machine "
              "(try smaller --sizes, --limit or --batch-size)")
        return EXIT_ERROR
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_ERROR
    except (ValueError, OSError) as exc:
        error(_describe(exc))
        return EXIT_ERROR


def _exit_status(exit_):
    """Return the exit status a SystemExit carries, as an int."""
    code = exit_.code
    if code is None:
        return EXIT_OK
    return code if isinstance(code, int) else EXIT_ERROR


def _describe(exc):
    """Return the message for an error caught at the top: the exception's text, made plain."""
    if isinstance(exc, UnicodeError):
        return "cannot read a file as text: %s" % exc
    if isinstance(exc, OSError) and exc.strerror and exc.filename is not None:
        return "%s: %s" % (exc.filename, exc.strerror)
    return str(exc) or type(exc).__name__


def _silence_stdout():
    """Point stdout at /dev/null, so that Python's final flush of a closed pipe is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass

