"""Commands that never parse must not pay for spaCy, thinc or torch at start-up (about 3 s each time)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("spacy", "thinc", "torch", "transformers", "datasketch")


def modules_after(code: str) -> set[str]:
    """The heavy modules loaded once `code` has run in a fresh interpreter."""
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_help_and_the_ledger_modules_load_no_parser_and_no_network() -> None:
    code = (
        "import contextlib, io\n"
        "from counterclaim.cli import main\n"
        "import counterclaim.store, counterclaim.link.propositions, counterclaim.link.fidelity\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])\n"
    )
    assert modules_after(code) == set()


def test_stop_words_are_spacys_and_read_without_starting_spacy() -> None:
    code = (
        "from counterclaim.nlp.english_model import stop_words\n"
        "words = stop_words()\n"
        "assert 'the' in words and 'n\\u2019t' in words and 'valley' not in words, sorted(words)[:5]\n"
    )
    assert modules_after(code) == set()
    from spacy.lang.en.stop_words import STOP_WORDS

    from counterclaim.nlp.english_model import stop_words

    assert stop_words() == frozenset(STOP_WORDS)
