"""The same pipeline on a Dask LocalCluster gives the same tables."""

import json

import pytest

from timeline import pipeline, scale

pytestmark = pytest.mark.slow

ARTICLES = [
    ("a1", "2025-11-21", "Kiev on Thursday confirmed receiving the document. Talks will resume "
                         "next week, officials said on Friday."),
    ("a2", "2025-11-23", "The coalition will hold a virtual call on Tuesday. Rubio met Ukrainian "
                         "officials in Geneva on Sunday."),
    ("a3", "2025-11-21", "Ukraine confirmed on Thursday that it had received the document."),
    ("a4", "2025-02-19", "The war began nearly three years ago. In the spring of 2025 talks may "
                         "resume."),
    ("a5", "", "Egypt will host, from 19 to 20 December, a ministerial gathering."),
]


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("dask") / "small.jsonl"
    path.write_text("\n".join(json.dumps({"id": i, "published": p, "text": t})
                              for i, p, t in ARTICLES) + "\n", encoding="utf-8")
    return path


def test_dask_local_cluster_matches_single_process(small_corpus):
    local = pipeline.extract(small_corpus, progress=False, batch_size=2)
    distributed = scale.extract_dask(small_corpus, workers=2, batch_size=2, progress=False)
    assert len(local.mentions) > 5
    assert distributed.documents.equals(local.documents)
    assert distributed.mentions.equals(local.mentions)
    assert distributed.events.equals(local.events)
