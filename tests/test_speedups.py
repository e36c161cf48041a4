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
    "There were five of them, and there is more to come, c'mon, they got ta go.",
    "The geese had flown farther than the oxen, whose herders were running the fastest races.",
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


def test_the_table_holds_a_row_per_kind_of_token_not_per_word():
    patterns = [
        {"patterns": [[{"LOWER": "beta"}]], "attrs": {"POS": "VERB"}},
        {"patterns": [[{"LOWER": {"REGEX": "^eps"}}]], "attrs": {"POS": "ADJ"}},
        {"patterns": [[{"LOWER": {"NOT_IN": ["beta", "epsilon"]}}]], "attrs": {"POS": "X"}},
    ]
    plain = _ruled(patterns)
    fast = _ruled(patterns)
    speed_up(fast)
    words = [f"word{i}" for i in range(200)]
    text = " ".join(words + ["beta", "Epsilon", "epsilons", "BETA"])
    got = [(t.text, t.pos_) for t in fast(text)]
    assert got == [(t.text, t.pos_) for t in plain(text)]
    assert got[-4:] == [("beta", "VERB"), ("Epsilon", "ADJ"), ("epsilons", "X"), ("BETA", "VERB")]
    # 200 words no pattern names share one row; each word a pattern names or matches has its own
    assert len(fast.get_pipe("attribute_ruler")._table) == 4


def test_a_pattern_the_table_cannot_replay_keeps_the_ruler():
    nlp = _ruled([{"patterns": [[{"LENGTH": 5}]], "attrs": {"POS": "NOUN"}}])
    speed_up(nlp)
    assert type(nlp.get_pipe("attribute_ruler")).__name__ == "AttributeRuler"
    assert [t.pos_ for t in nlp("short words")] == ["NOUN", "NOUN"]


def _windowed(nlp, text, also=None):
    from timeline.speedups import recognise_entities

    doc = nlp(text, disable=["ner"])
    recognise_entities([doc], nlp.get_pipe("ner"), also=[also] if also is not None else None)
    return doc


LONG = ("Dmitry Peskov said that the long and difficult talks about the future of the old "
        "port had been going on for many weeks and would go on for a while before the "
        "delegation from Moscow could sign anything at all.")


def test_entities_recognised_in_windows_match_the_whole_sentence():
    nlp = nlp_mod.load()
    from timeline.speedups import ENTITY_WINDOW, could_be_named

    start = LONG.index("many weeks")  # a temporal expression, as the pipeline gives them
    doc = _windowed(nlp, LONG, also=[(start, start + len("many weeks"))])
    whole = nlp(LONG)
    # most of the sentence is outside the windows: the windowed path was taken
    near = {j for t in whole if could_be_named(t)
            for j in range(t.i - ENTITY_WINDOW, t.i + ENTITY_WINDOW + 1)}
    assert len(near) < 0.8 * len(whole)
    assert [(e.text, e.label_) for e in doc.ents] == [(e.text, e.label_) for e in whole.ents]
    assert ("Dmitry Peskov", "PERSON") in [(e.text, e.label_) for e in doc.ents]
    assert all(t.ent_iob_ in ("O", "B", "I") for t in doc)  # every token decided


def test_a_sentence_without_names_gets_no_entities_and_every_token_outside():
    nlp = nlp_mod.load()
    doc = _windowed(nlp, "the talks were long and nobody said much about them.")
    assert doc.ents == ()
    assert {t.ent_iob_ for t in doc} == {"O"}


def test_temporal_expressions_are_recognised_as_dates_when_given():
    nlp = nlp_mod.load()
    text = ("the old talks about the port resumed last week after a long pause that "
            "nobody had expected to last so long.")
    start = text.index("last week")
    without = _windowed(nlp, text)
    given = _windowed(nlp, text, also=[(start, start + len("last week"))])
    assert "last week" not in [e.text for e in without.ents]
    assert ("last week", "DATE") in [(e.text, e.label_) for e in given.ents]


ENTITY_TEXTS = [
    "Dmitry Peskov told reporters in Moscow on Friday that the Kremlin had not seen the plan.",
    "Apple Inc. sold 3 million iPhones in the first week of September, Tim Cook said.",
    "The International Atomic Energy Agency (IAEA) sent 12 inspectors to Iran last month.",
    "", "no names here at all.",
    "Shares of General Motors fell 4 % to $ 31.20 on the New York Stock Exchange.",
    "Angela Merkel met   Emmanuel Macron in Paris.  Then Boris Johnson flew to Washington.",
    "The United Nations Security Council voted on Tuesday; China and Russia abstained.",
]


def _entities(docs):
    return [[(e.start, e.end, e.label_) for e in d.ents] for d in docs]


def test_the_greedy_entity_search_in_numpy_finds_what_spacy_finds():
    from timeline.speedups import GreedyEntities

    fast = nlp_mod.load()
    plain = nlp_mod.load(fast=False)
    assert type(fast.get_pipe("ner")) is GreedyEntities
    want = _entities(plain.pipe(ENTITY_TEXTS))
    # parsed sentences (the parser's sentence starts constrain the entities), in
    # batches of every size, and one at a time
    for size in (1, 3, 256):
        got = _entities(fast.pipe(ENTITY_TEXTS, batch_size=size))
        assert got == want, size
    assert ("Dmitry Peskov", "PERSON") in [(e.text, e.label_) for e in fast(ENTITY_TEXTS[0]).ents]
    assert all(t.ent_iob_ in ("O", "B", "I") for t in fast(ENTITY_TEXTS[6]))
    # a document with entities set beforehand goes through spaCy's own search
    doc = fast(ENTITY_TEXTS[1], disable=["ner"])
    from spacy.tokens import Span

    doc.set_ents([Span(doc, 0, 2, label="PRODUCT")], default="unmodified")
    ner = fast.get_pipe("ner")
    ner(doc)
    assert [(e.text, e.label_) for e in doc.ents][0] == ("Apple Inc.", "PRODUCT")


def test_the_entity_recogniser_with_a_beam_of_one_finds_what_the_greedy_one_finds():
    from timeline.speedups import BeamOfOne, GreedyEntities

    fast = nlp_mod.load()
    plain = nlp_mod.load(fast=False)
    assert type(fast.get_pipe("ner")) is GreedyEntities
    beam = BeamOfOne(fast.get_pipe("ner").component)
    texts = ["Dmitry Peskov told reporters in Moscow on Friday that the Kremlin had not seen the plan.",
             "Apple Inc. sold 3 million iPhones in the first week of September, Tim Cook said.",
             "The International Atomic Energy Agency (IAEA) sent 12 inspectors to Iran last month.",
             "", "no names here at all.",
             "Shares of General Motors fell 4 % to $ 31.20 on the New York Stock Exchange."]
    docs = [fast.make_doc(t) for t in texts]
    for name in ("tok2vec", "tagger", "parser"):
        docs = list(fast.get_pipe(name).pipe(docs))
    got = [[(e.text, e.label_) for e in d.ents] for d in beam.pipe(docs, batch_size=4)]
    want = [[(e.text, e.label_) for e in d.ents] for d in plain.pipe(texts)]
    assert got == want
    assert ("Dmitry Peskov", "PERSON") in got[0] and got[3] == []
    one = beam(fast.get_pipe("parser")(fast.get_pipe("tagger")(
        fast.get_pipe("tok2vec")(fast.make_doc(texts[1])))))
    assert [(e.text, e.label_) for e in one.ents] == want[1]


def test_the_lemmatizer_word_lists_become_sets_and_lemmas_stay_the_same():
    fast = nlp_mod.load()
    plain = nlp_mod.load(fast=False)
    table = fast.get_pipe("lemmatizer").lemmatizer.lookups.get_table("lemma_index")
    assert all(isinstance(words, frozenset) for words in table.values())
    assert all(isinstance(words, list)
               for words in plain.get_pipe("lemmatizer").lookups.get_table("lemma_index").values())
    text = "Wolves were hunting the sheep the shepherds had fed, and the mice ran; she writes, they wrote."
    assert [t.lemma_ for t in fast(text)] == [t.lemma_ for t in plain(text)]


def test_the_inference_layers_give_the_token_encoders_numbers_bit_for_bit():
    import numpy as np

    from timeline.speedups import layernorm_predict, maxout_predict, use_numpy_blas

    fast = nlp_mod.load()
    # the same pipeline with numpy's BLAS alone (spaCy's own BLIS sums in another order)
    reference = spacy.load(next(n for n in nlp_mod.MODEL_NAMES if spacy.util.is_package(n)))
    use_numpy_blas(reference)
    swapped = [n for _, c in fast.pipeline if hasattr(getattr(c, "model", None), "walk")
               for n in c.model.walk() if n._func in (maxout_predict, layernorm_predict)]
    assert {n.name for n in swapped} == {"maxout", "layernorm"}
    docs = [fast.make_doc(t) for t in SENTENCES + ENTITY_TEXTS if t]
    for name in ("tok2vec",):
        got = fast.get_pipe(name).model.predict(docs)
        want = reference.get_pipe(name).model.predict(docs)
        assert all(np.array_equal(a, b) for a, b in zip(got, want))
    got = fast.get_pipe("ner").component.model.get_ref("tok2vec").predict(docs)
    want = reference.get_pipe("ner").model.get_ref("tok2vec").predict(docs)
    assert np.array_equal(got, want)


def test_a_layer_whose_numbers_would_change_keeps_thincs_forward_pass(monkeypatch):
    from thinc.api import Maxout

    from timeline import speedups

    from thinc.api import NumpyOps

    layer = Maxout(nO=4, nI=6, nP=3)
    layer.initialize()
    layer.ops = NumpyOps(use_blis=False)  # as use_numpy_blas leaves the pipeline's layers
    original = layer._func

    def off_by_a_little(model, X, is_train):
        Y, back = speedups.maxout_predict(model, X, is_train)
        return Y + 1e-6, back

    monkeypatch.setitem(speedups._PREDICT, "maxout", off_by_a_little)

    class Holder:
        model = layer

    class Pipeline:
        pipeline = [("layer", Holder())]

    assert speedups.use_inference_layers(Pipeline()) == 0
    assert layer._func is original
    assert layer.id not in speedups._FORWARD
    X = layer.ops.xp.asarray([[0.5, -1.0, 2.0, 0.25, 3.0, -0.75]], dtype="float32")
    assert (layer.predict(X) == original(layer, X, False)[0]).all()


def test_the_token_encoder_in_chunks_gives_each_sentence_the_same_vectors():
    import numpy as np

    from timeline.speedups import ENCODER_CHUNK, ChunkedEncoder

    fast = nlp_mod.load()
    plain = nlp_mod.load(fast=False)
    encoder = fast.get_pipe("tok2vec")
    assert type(encoder) is ChunkedEncoder
    texts = [f"{SENTENCES[i % len(SENTENCES)]} Item {i} was sold in Lyon on day {i}."
             for i in range(2 * ENCODER_CHUNK + 7)]          # more than two chunks
    docs = [fast.make_doc(t) for t in texts]
    chunked = encoder.predict(docs)
    whole = encoder.component.model.predict(docs)             # all sentences in one product
    assert len(chunked) == len(docs)
    assert all(np.array_equal(a, b) for a, b in zip(chunked, whole))
    # and the annotations of a batch of them are spaCy's
    got = [_signature(d) for d in fast.pipe(texts, batch_size=len(texts))]
    assert got == [_signature(d) for d in plain.pipe(texts, batch_size=len(texts))]


def test_a_very_long_sentence_is_decoded_in_a_small_group_with_the_same_entities():
    from timeline import speedups

    fast = nlp_mod.load()
    ner = fast.get_pipe("ner")
    beam = speedups.BeamOfOne(ner.component)
    long_text = " ".join(ENTITY_TEXTS[i % 3] for i in range(90))      # about 1,500 words
    texts = [long_text] + [ENTITY_TEXTS[i % len(ENTITY_TEXTS)] for i in range(200)]
    docs = list(fast.pipe(texts, disable=["ner"]))
    assert len(docs[0]) * 160 > speedups._GROUP_CELLS   # the long one cannot go with 160 others
    copies = [d.copy() for d in docs]
    groups = []
    decode = ner._decode
    ner._decode = lambda group: (groups.append(len(group)), decode(group))
    try:
        ner._annotate(docs)
    finally:
        del ner._decode
    beam._annotate(copies)
    assert groups[0] < 160 and sum(groups) == len([d for d in docs if len(d)])
    assert _entities(docs) == _entities(copies)
