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
