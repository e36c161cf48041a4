"""The faster pipeline gives the same tokens, tags, parses and entities."""

import spacy

from timeline import nlp as nlp_mod
from timeline.speedups import AttributeTable, speed_up

SENTENCES = [
    "I ain't gonna sign it, let's wait, said the minister on Tuesday.",
    "Gotta see it!  He didn't, and they wouldn't; we've been told it's nothin'.",
    "The International Atomic Energy Agency (IAEA) said Iran had enriched 60% uranium.",
    "Shares of Apple Inc. fell 3.2 percent to $187.50 in New York trading.",
    "Whaddya want?\n\nCannot. I'm here, you're there, y'all know 'tis so.",
    "Dmitry Peskov told reporters in Moscow that Kiev had received the plan.",
]


def _signature(doc):
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.dep_, t.head.i, t.lemma_,
             t.ent_type_, t.ent_iob_) for t in doc]


def test_fast_pipeline_gives_the_same_annotations_as_spacy_load():
    plain = nlp_mod.load(fast=False)
    fast = nlp_mod.load()
    assert plain is not fast
    assert type(fast.get_pipe("attribute_ruler")) is AttributeTable
    for text in SENTENCES:
        assert _signature(fast(text)) == _signature(plain(text)), text
    # and the same when streamed in a batch
    fast_docs = [_signature(d) for d in fast.pipe(SENTENCES, batch_size=2)]
    plain_docs = [_signature(d) for d in plain.pipe(SENTENCES, batch_size=2)]
    assert fast_docs == plain_docs


def test_matrix_products_go_to_numpy():
    fast = nlp_mod.load()
    for name in ("tok2vec", "ner"):
        ops = {type(node.ops).__name__ + str(getattr(node.ops, "use_blis", ""))
               for node in fast.get_pipe(name).model.walk()}
        assert ops == {"NumpyOpsFalse"}
    plain = nlp_mod.load(fast=False)
    assert all(getattr(node.ops, "use_blis", True)
               for node in plain.get_pipe("tok2vec").model.walk())


def _ruled(patterns):
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add_patterns(patterns)
    return nlp


def test_later_patterns_win_and_several_token_patterns_apply():
    patterns = [
        {"patterns": [[{"LOWER": {"IN": ["alpha", "beta"]}}]], "attrs": {"POS": "NOUN", "LEMMA": "one"}},
        {"patterns": [[{"LOWER": "beta"}]], "attrs": {"POS": "VERB"}},
        {"patterns": [[{"LOWER": "gamma"}, {"LOWER": "delta"}]], "attrs": {"LEMMA": "pair"}, "index": 1},
        {"patterns": [[{"LOWER": {"REGEX": "^eps"}}]], "attrs": {"POS": "ADJ"}},
        {"patterns": [[{"LOWER": {"NOT_IN": ["alpha", "beta", "gamma", "delta", "epsilon"]}}]],
         "attrs": {"POS": "X"}},
    ]
    plain = _ruled(patterns)
    fast = _ruled(patterns)
    speed_up(fast)
    assert type(fast.get_pipe("attribute_ruler")) is AttributeTable
    text = "Alpha beta gamma delta epsilon zeta gamma"
    got = [(t.pos_, t.lemma_) for t in fast(text)]
    assert got == [(t.pos_, t.lemma_) for t in plain(text)]
    assert got == [("NOUN", "one"), ("VERB", "one"), ("", ""), ("", "pair"), ("ADJ", ""),
                   ("X", ""), ("", "")]


def test_a_pattern_the_table_cannot_replay_keeps_the_ruler():
    nlp = _ruled([{"patterns": [[{"LENGTH": 5}]], "attrs": {"POS": "NOUN"}}])
    speed_up(nlp)
    assert type(nlp.get_pipe("attribute_ruler")).__name__ == "AttributeRuler"
    assert [t.pos_ for t in nlp("short words")] == ["NOUN", "NOUN"]
