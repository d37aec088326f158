"""Lesson files: one JSON file per lesson, validated when loaded.

The lessons shipped with the app sit beside this module (`*.json`); a teacher's own
can sit in a folder of their choosing (the app's `LESSONS_FOLDER`). A file's lesson
`name` must be its file name without `.json`. A bad file is refused with a
`LessonError` naming the file and the field (`derivation.json: steps[3].settings.eta:
...`); `python -m app.lessons check FILE` says the same before a class sees it.
"""

from __future__ import annotations

import json
import logging
from functools import cache
from pathlib import Path

from app.engine.errors import FieldError

from .model import Lesson, parse_lesson

log = logging.getLogger(__name__)

#: Where the shipped lessons are.
PACKAGE_FOLDER = Path(__file__).resolve().parent
#: Largest lesson file read (a lesson of 40 steps with weights is a few KB).
MAX_FILE_BYTES = 256 * 1024


class LessonError(FieldError):
    """A lesson file that cannot be used: `file` is its name, `field` the path inside it."""

    def __init__(self, file: str, field: str, message: str) -> None:
        super().__init__(field, f"{file}: {message}")
        self.file = file


def load_file(path: Path) -> Lesson:
    """The lesson in `path`, validated; raises LessonError naming the file and field."""
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise LessonError(name, "lesson", f"cannot read it ({error.strerror})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise LessonError(name, "lesson", f"larger than {MAX_FILE_BYTES // 1024} KB")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise LessonError(name, "lesson", "not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise LessonError(name, "lesson", f"not JSON (line {error.lineno}, column "
                          f"{error.colno}: {error.msg})") from None
    try:
        lesson = parse_lesson(data)
    except FieldError as error:
        raise LessonError(name, error.field, str(error)) from None
    if lesson.name != path.stem:
        raise LessonError(name, "name", f"name: {lesson.name!r} must be the file's name "
                          f"without .json ({path.stem!r})")
    return lesson


def load_folder(folder: Path) -> dict[str, Lesson]:
    """Every lesson in `folder` (its *.json files, by name); raises on the first bad file."""
    return {path.stem: load_file(path) for path in sorted(folder.glob("*.json"))}


@cache
def shipped() -> dict[str, Lesson]:
    """The lessons shipped with the app (a bad one is a bug: it raises)."""
    return load_folder(PACKAGE_FOLDER)


class LessonLibrary:
    """The lessons a server offers: the shipped ones, plus a teacher's folder if configured.

    A teacher's file that does not validate is left out with a warning naming the file
    and field (one bad file must not stop the server or the other lessons); it cannot
    replace a shipped lesson of the same name.
    """

    def __init__(self, folder: str | Path | None = None) -> None:
        self.lessons: dict[str, Lesson] = dict(shipped())
        self.refused: dict[str, str] = {}
        if folder:
            for path in sorted(Path(folder).glob("*.json")):
                try:
                    lesson = load_file(path)
                except LessonError as error:
                    self.refused[path.name] = str(error)
                    log.warning("lesson refused: %s", error)
                    continue
                if lesson.name in self.lessons:
                    self.refused[path.name] = f"{path.name}: name: {lesson.name!r} is taken"
                    log.warning("lesson refused: %s", self.refused[path.name])
                    continue
                self.lessons[lesson.name] = lesson

    def get(self, name: object) -> Lesson:
        """The lesson called `name`; FieldError naming `lesson` when there is none."""
        lesson = self.lessons.get(name) if isinstance(name, str) else None
        if lesson is None:
            known = ", ".join(sorted(self.lessons))
            raise FieldError("lesson", f"lesson: no lesson is called {str(name)[:40]!r}; "
                             f"known: {known}")
        return lesson

    def catalog(self) -> list[dict[str, object]]:
        """Every lesson's name, title, summary and number of steps, for a menu."""
        return [{"name": n, "title": x.title, "summary": x.summary, "steps": len(x.steps)}
                for n, x in sorted(self.lessons.items())]
