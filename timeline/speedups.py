"""The English pipeline made cheaper, with the same results.

Two changes to the pipeline ``spacy.load`` gives, both checked token by token
against the original (``tests/test_speedups.py``):

- :func:`use_numpy_blas`: thinc's matrix products go to numpy's BLAS;
- :class:`AttributeTable`: the attribute ruler (the rules that give each
  token its coarse part of speech, morphology and some lemmas from its
  fine-grained tag and its word) applied from a table of what each kind of
  token gets, instead of a pattern matcher run over every sentence.

:func:`speed_up` applies both to a loaded pipeline.  One more saving changes
results a little, and is measured instead (README, "Speed"):
:func:`recognise_entities` runs the entity recogniser, the most expensive
component, only on the words around those that can begin a name.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Optional

#: attribute name of a ruler's token condition -> how to read it from a token
_TOKEN_KEYS: dict[str, Callable[[Any], Any]] = {
    "ORTH": lambda t: t.text,
    "TEXT": lambda t: t.text,
    "LOWER": lambda t: t.lower_,
    "TAG": lambda t: t.tag_,
    "DEP": lambda t: t.dep_,
    "IS_SPACE": lambda t: t.is_space,
}


class Unsupported(ValueError):
    """A ruler pattern uses something the table cannot replay exactly."""


def use_numpy_blas(nlp) -> None:
    """Let the pipeline's layers multiply matrices with numpy's BLAS.

    thinc multiplies the matrices of its layers (the token encoders, the
    tagger, the parser's and the entity recogniser's feature layers) with
    the BLIS library bundled in the ``blis`` wheel, whose kernels are picked
    for the processor at run time; where it finds none of its tuned ones
    (it falls back to ``generic`` on the development machine's AMD EPYC)
    its products run two to four times slower than numpy's OpenBLAS on one
    thread.  thinc's own switch (``NumpyOps(use_blis=False)``) sends them to
    numpy instead.  The results are the same (the tags, parses and entities
    of the test corpora do not change); the parser's transition loop keeps
    its compiled BLIS calls.
    """
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for _name, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            node.ops = ops


def _condition(key: str, value: Any) -> Callable[[Any], bool]:
    """One token condition of a Matcher pattern as a test on a token value."""
    if isinstance(value, (str, bool)):
        return lambda v: v == value
    if isinstance(value, dict) and len(value) == 1:
        (op, arg), = value.items()
        if op == "IN":
            allowed = frozenset(arg)
            return lambda v: v in allowed
        if op == "NOT_IN":
            banned = frozenset(arg)
            return lambda v: v not in banned
        if op == "REGEX":
            pattern = re.compile(arg)
            return lambda v: isinstance(v, str) and pattern.search(v) is not None
    raise Unsupported(f"condition {key}={value!r}")


class AttributeTable:
    """spaCy's ``attribute_ruler`` replayed from a table.

    The ruler's one-token patterns depend only on a few attributes of the
    token (its tag, its lower-case form, its dependency label, whether it is
    white space), so what they set is computed once per combination of these
    and looked up afterwards; the few patterns over several tokens ("gon
    na", "let 's") still go through a Matcher of their own.  Later patterns
    win over earlier ones on the same attribute, as in the ruler.
    """

    def __init__(self, ruler) -> None:
        from spacy.matcher import Matcher
        from spacy.tokens._retokenize import set_token_attrs

        self._set = set_token_attrs
        self.ruler = ruler
        self.single: list[tuple[int, list[list[tuple[Callable, Callable]]]]] = []
        self.keys: list[str] = []
        self.multi = Matcher(ruler.vocab)
        self.has_multi = False
        used: set[str] = set()
        for attr_id, entry in enumerate(ruler.patterns):
            alternatives = []
            for pattern in entry["patterns"]:
                if len(pattern) != 1:
                    self.multi.add(str(attr_id), [pattern])
                    self.has_multi = True
                    continue
                tests = []
                for key, value in pattern[0].items():
                    if key not in _TOKEN_KEYS:
                        raise Unsupported(f"token attribute {key}")
                    tests.append((key, _condition(key, value)))
                    used.add(key)
                alternatives.append(tests)
            if alternatives:
                self.single.append((attr_id, alternatives))
        self.keys = sorted(used)
        self._readers = [_TOKEN_KEYS[k] for k in self.keys]
        self._table: dict[tuple, tuple[tuple[int, ...], Optional[dict]]] = {}

    def _lookup(self, token) -> tuple[tuple[int, ...], Optional[dict]]:
        key = tuple(read(token) for read in self._readers)
        found = self._table.get(key)
        if found is None:
            values = dict(zip(self.keys, key))
            ids = tuple(attr_id for attr_id, alternatives in self.single
                        if any(all(test(values[k]) for k, test in tests)
                               for tests in alternatives))
            merged: dict = {}
            for attr_id in ids:
                merged.update(self.ruler.attrs[attr_id])
            found = (ids, merged or None)
            self._table[key] = found
        return found

    def __call__(self, doc):
        set_token_attrs = self._set
        extra: dict[int, list[int]] = {}
        if self.has_multi:
            for match_id, start, end in self.multi(doc, allow_missing=True):
                attr_id = int(self.ruler.vocab.strings[match_id])
                index = self.ruler.indices[attr_id]
                position = range(start, end)[index]
                extra.setdefault(position, []).append(attr_id)
        attrs = self.ruler.attrs
        for token in doc:
            ids, merged = self._lookup(token)
            more = extra.get(token.i)
            if more:
                merged = {}
                for attr_id in sorted(set(ids) | set(more)):
                    merged.update(attrs[attr_id])
            if merged:
                set_token_attrs(token, merged)
        return doc

    def pipe(self, docs: Iterable, batch_size: int = 128):
        for doc in docs:
            yield self(doc)


#: words on each side of a possible name that the entity recogniser sees
ENTITY_WINDOW = 2
#: below this share of its words in windows, a sentence is recognised in windows
WINDOWED_BELOW = 0.8


def could_be_named(token) -> bool:
    """Whether a token can be part of a named entity, a number or an amount
    the entity recogniser would label: a proper noun, a capitalised or
    upper-case word, a number, a currency sign, a per-cent sign."""
    return (token.pos_ == "PROPN" or token.like_num or token.is_currency
            or token.text == "%"
            or (token.is_alpha and (token.is_title or (token.is_upper and len(token) > 1))))


def recognise_entities(docs: list, ner, window: int = ENTITY_WINDOW,
                       batch_size: int = 256,
                       also: Optional[list[list[tuple[int, int]]]] = None) -> None:
    """Set the named entities of parsed ``docs`` (in place) with the entity
    recogniser ``ner``, run only on the words within ``window`` words of one
    that :func:`could_be_named` or that lies in one of the character spans
    ``also[i]`` of ``docs[i]`` (the temporal expressions found so far, so
    that the recogniser still labels the dates and times it would have).

    A sentence most of whose words are in windows is recognised whole.
    Otherwise its windows are joined into a shorter text, recognised, and
    the entities found are put back on the sentence; an entity that would
    straddle two windows is dropped.  The recogniser reads a few words of
    context on each side of a word, so the entities found are nearly those
    of the whole sentence (the README gives the agreement measured on the
    development corpus); the words outside windows (no capital, no digit)
    are rarely part of a name.
    """
    from spacy.tokens import Doc, Span

    jobs = []  # (doc, short doc or None for the whole doc, kept token indices)
    for n, doc in enumerate(docs):
        keep = [False] * len(doc)
        spans = also[n] if also else ()
        for token in doc:
            if could_be_named(token) or any(
                    start < token.idx + len(token) and token.idx < end for start, end in spans):
                for j in range(max(0, token.i - window), min(len(doc), token.i + window + 1)):
                    keep[j] = True
        kept = [i for i, flag in enumerate(keep) if flag]
        if not kept:
            doc.set_ents([], default="outside")
        elif len(kept) >= WINDOWED_BELOW * len(doc):
            jobs.append((doc, None, None))
        else:
            short = Doc(doc.vocab, words=[doc[i].text for i in kept],
                        spaces=[bool(doc[i].whitespace_) for i in kept])
            jobs.append((doc, short, kept))
    inputs = [short if short is not None else doc for doc, short, _kept in jobs]
    for (doc, short, kept), done in zip(jobs, ner.pipe(inputs, batch_size=batch_size)):
        if short is None:
            continue
        spans = []
        for ent in done.ents:
            start, end = kept[ent.start], kept[ent.end - 1] + 1
            if end - start == ent.end - ent.start:  # contiguous in the sentence
                spans.append(Span(doc, start, end, label=ent.label_))
        doc.set_ents(spans, default="outside")


def speed_up(nlp) -> None:
    """Apply :func:`use_numpy_blas` and :class:`AttributeTable` to ``nlp``.

    The attribute ruler is replaced only if every one of its patterns can be
    replayed from the table (otherwise it stays as it is)."""
    use_numpy_blas(nlp)
    nlp._timeline_fast = True  # timeline.nlp.parse recognises entities in windows
    if "attribute_ruler" not in nlp.pipe_names:
        return
    ruler = nlp.get_pipe("attribute_ruler")
    if type(ruler).__name__ != "AttributeRuler":
        return
    try:
        table = AttributeTable(ruler)
    except Unsupported:
        return
    _swap_component(nlp, "attribute_ruler", table)


def _swap_component(nlp, name: str, component) -> None:
    """Put ``component`` in the place of the pipeline's component ``name``
    (kept under the same name, so ``disable=[name]`` still works)."""
    components = nlp._components  # spaCy keeps (name, component) pairs here
    for i, (other, _old) in enumerate(components):
        if other == name:
            components[i] = (name, component)
            return
