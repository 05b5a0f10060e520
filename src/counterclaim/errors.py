"""Errors that are the user's to fix, reported as one line naming the file."""

import re

# C0 and C1 control characters, DEL, and the bidirectional overrides that reorder what a terminal shows.
CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def shown(name: str) -> str:
    """A file name or text fit for one line of a terminal: control characters written as escapes (`\\n`, `\\x1b`)."""
    return CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), name)


class InputError(Exception):
    """A file could not be read as a document; the message names the file and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{shown(path)}: {reason}")
        self.path = path
        self.reason = reason
