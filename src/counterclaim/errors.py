"""Errors that are the user's to fix, reported as one line naming the file."""


class InputError(Exception):
    """A file could not be read as a document; the message names the file and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
