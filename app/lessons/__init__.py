"""Lessons: short walks through the derivation, as data (one JSON file per lesson).

Depends on the engine only (settings and shapes are checked against it); the
sessions layer applies a step (`app.sessions.lesson`), the web layer serves the
files and the `lesson` command (`app.web.lessons`). The format is in
docs/protocol.md ("Lessons").
"""

from .loader import PACKAGE_FOLDER, LessonError, LessonLibrary, load_file, load_folder, shipped
from .model import LESSON_FORMAT, Lesson, Step, parse_lesson, step_config

__all__ = [
    "LESSON_FORMAT", "PACKAGE_FOLDER", "Lesson", "LessonError", "LessonLibrary", "Step",
    "load_file", "load_folder", "parse_lesson", "shipped", "step_config",
]
