"""The `backprop-xor` command (also `python -m app`): serve the page, or train headless.

    backprop-xor                      # the web page's server, as `serve`
    backprop-xor serve [--host H] [--port P] [--open] [--message-queue URL]
    backprop-xor train [--problem xor] [--hidden 3,2] [--epochs N] [--weights FILE] [--json]
    backprop-xor check [--seed S | --weights FILE] [--json]
    backprop-xor sweep --nets K --epochs N [--seed S] [--json]

Bad input gets one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from app import __version__

from . import check, serve, sweep, train
from .common import Parser, UsageError

PROG = "backprop-xor"


def build_parser() -> Parser:
    """The parser of every command; each sets `handler`, the function that runs it."""
    parser = Parser(
        prog=PROG,
        description="Backpropagation taught live: an XOR network trained step by step in "
        "the browser (serve, the default), or headless from the command line.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    serve.add_options(parser)
    parser.set_defaults(handler=serve.run)
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    for module in (serve, train, check, sweep):
        module.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command in `argv` (default: sys.argv[1:]); return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as error:
        return _fail(str(error))
    except SystemExit as done:  # --help and --version print, then exit
        return done.code if isinstance(done.code, int) else 0
    where = f"{PROG} {args.command}" if args.command else PROG
    try:
        return args.handler(args)
    except UsageError as error:
        return _fail(f"{where}: {error}")
    except serve.ServerMissing as error:
        print(f"{where}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader of stdout went away (e.g. `| head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _fail(message: str) -> int:
    """Print the one line a user sees for bad input; exit code 2, as argparse does."""
    print(" ".join(message.split()), file=sys.stderr)  # one line, whatever the message held
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
