"""`python -m app.lessons check FILE...`: validate lesson files before a class sees them."""

from __future__ import annotations

import sys
from pathlib import Path

from .loader import LessonError, load_file


def main(argv: list[str] | None = None) -> int:
    """Check each file; print `ok` or the refusal naming the field; 1 if any was refused."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2 or args[0] != "check":
        print("usage: python -m app.lessons check FILE.json [FILE.json ...]", file=sys.stderr)
        return 2
    status = 0
    for name in args[1:]:
        try:
            lesson = load_file(Path(name))
        except LessonError as error:
            print(error, file=sys.stderr)
            status = 1
        else:
            print(f"{name}: ok, {lesson.title!r}, {len(lesson.steps)} steps")
    return status


if __name__ == "__main__":
    sys.exit(main())
