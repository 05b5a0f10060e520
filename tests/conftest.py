"""Shared fixtures: the project's own texts, the loaded pipeline, and the optional shared data."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED = SHARED / "seed" / "panjshir-npr-2021-09-03.txt"
POLNEAR = SHARED / "data" / "polnear"


@pytest.fixture(scope="session")
def extractor():
    from counterclaim.claims import ClaimExtractor

    return ClaimExtractor()


@pytest.fixture(scope="session")
def extract(extractor):
    """Claims of a text, through the whole pipeline."""
    from counterclaim.ingest import document_from_text

    def run(text: str, doc_id: str = "t"):
        return extractor.extract_one(document_from_text(doc_id, text))

    return run


def fixture_path(name: str) -> Path:
    return FIXTURES / name
