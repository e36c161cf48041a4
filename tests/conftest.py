"""Shared fixtures."""

from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "seeds"
SHARED_DATA = PROJECT.parent / "shared" / "data"
TBAQ = SHARED_DATA / "tempeval3" / "TBAQ-cleaned"
SILVER = SHARED_DATA / "tempeval3" / "te3-silver"


@pytest.fixture(scope="session")
def nlp():
    """The English spaCy pipeline, loaded once for the whole session."""
    from timeline import nlp as nlp_mod
    return nlp_mod.load()


@pytest.fixture(scope="session")
def seed_tables():
    """The seeds extracted once, in memory (the same code `timeline extract` runs)."""
    from timeline import pipeline
    return pipeline.extract(SEEDS, progress=False)
