"""The engine's one error type: a bad input, with the field it is about.

Every check in the engine raises `FieldError`, so callers (the server, the CLI)
read the field from the error itself and never from its message text. `field`
is a path as the page shows it: `eta`, `hidden`, `weights.layers[1][0][2]`,
`state.marks[0].epoch`. The message starts with that path, for people.
"""

from __future__ import annotations


class FieldError(ValueError):
    """A bad value: `field` names what is wrong (a dotted path), the message says how."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field

    def under(self, prefix: str) -> FieldError:
        """The same error one level down: `eta` under `state.settings` is `state.settings.eta`."""
        field = f"{prefix}.{self.field}" if self.field else prefix
        message = str(self)
        if self.field and message.startswith(self.field):
            message = prefix + "." + message
        else:
            message = f"{prefix}: {message}"
        return FieldError(field, message)


#: Longest text of a value quoted in a message.
SHOWN_CHARACTERS = 40


def shown(value: object) -> str:
    """A short, safe description of a bad value for a message.

    Never long, never an exception: a huge string is cut, a list or an object is
    named by its type and size (its repr could be megabytes, or nested too deep
    to print), a huge whole number by its digits' count.
    """
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        if value.bit_length() <= 64:
            return repr(value)
        return f"a whole number of {value.bit_length()} bits"
    if isinstance(value, str):
        text = repr(value)
        if len(text) <= SHOWN_CHARACTERS:
            return text
        return text[: SHOWN_CHARACTERS - 4] + "…' (" + f"{len(value):,} characters)"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return f"an object of {len(value)} fields"
    return f"a {type(value).__name__}"
