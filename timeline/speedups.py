"""The English pipeline made cheaper, with the same results.

Four changes to the pipeline ``spacy.load`` gives, each checked token by
token against the original (``tests/test_speedups.py``):

- :func:`use_numpy_blas`: thinc's matrix products go to numpy's BLAS;
- :class:`AttributeTable`: the attribute ruler (the rules that give each
  token its coarse part of speech, morphology and some lemmas from its
  fine-grained tag and its word) applied from a table of what each kind of
  token gets, instead of a pattern matcher run over every sentence;
- :class:`LemmaTable`: the rule lemmatizer's answers memoised, its word
  lists made sets;
- :class:`BeamOfOne`: the entity recogniser's greedy search run as a beam
  search of width one (the same entities, without taking Python's lock back
  at every step).

:func:`speed_up` applies them to a loaded pipeline.  One more saving changes
results a little, and is measured instead (README, "Speed"):
:func:`recognise_entities` runs the entity recogniser, the most expensive
component, only on the words around those that can begin a name.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Optional

import numpy as np

#: the token attributes a ruler's condition may test for the table to replay
#: it: read from the token as spaCy stores them (a hash in the string store,
#: or a flag)
_TOKEN_KEYS = frozenset({"ORTH", "TEXT", "LOWER", "TAG", "DEP", "IS_SPACE"})

#: the attributes read as hashes, turned back into strings to test a pattern
_HASHED = frozenset({"ORTH", "TEXT", "LOWER", "TAG", "DEP"})

#: the attributes whose values are words: a pattern names a few of them, and
#: every other word is read as :data:`_OTHER_WORD`, so that the table holds a
#: row per kind of token, not per word of the vocabulary
_WORDS = frozenset({"ORTH", "TEXT", "LOWER"})
_OTHER_WORD = 0  # the hash of no string

#: the token attributes the table can set: values of the token alone (no
#: side effect on the vocabulary's lexemes, as the ruler would have)
_WRITABLE = ("LEMMA", "POS", "TAG", "DEP", "MORPH")


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


def _condition(key: str, value: Any) -> tuple[Callable[[Any], bool], set, list]:
    """One token condition of a Matcher pattern as a test on a token value,
    with the literal values it names and its regular expressions (for the
    words of :data:`_WORDS`: any word neither named nor matched gives the
    same result as :data:`_OTHER_WORD`, read as ``None``)."""
    if isinstance(value, (str, bool)):
        return (lambda v: v == value), {value}, []
    if isinstance(value, dict) and len(value) == 1:
        (op, arg), = value.items()
        if op == "IN":
            allowed = frozenset(arg)
            return (lambda v: v in allowed), set(allowed), []
        if op == "NOT_IN":
            banned = frozenset(arg)
            return (lambda v: v not in banned), set(banned), []
        if op == "REGEX":
            pattern = re.compile(arg)
            return (lambda v: isinstance(v, str) and pattern.search(v) is not None), set(), [pattern]
    raise Unsupported(f"condition {key}={value!r}")


def _literal_conditions(pattern: list, strings) -> list[tuple[int, frozenset]]:
    """The conditions of a Matcher pattern that name their values (``==``
    or ``IN`` on a word, a tag or a label), as (attribute id, hashes)."""
    from spacy.attrs import IDS

    found = []
    for token in pattern:
        for key, value in token.items():
            if key not in _HASHED:
                continue
            if isinstance(value, str):
                allowed = {value}
            elif isinstance(value, dict) and list(value) == ["IN"]:
                allowed = set(value["IN"])
            else:
                continue
            found.append((IDS["ORTH" if key == "TEXT" else key],
                          frozenset(strings.add(v) for v in allowed)))
    return found


class AttributeTable:
    """spaCy's ``attribute_ruler`` replayed from a table.

    The ruler's one-token patterns depend only on a few attributes of the
    token (its tag, its lower-case form, its dependency label, whether it is
    white space), so what they set is computed once per combination of these
    and looked up afterwards.  A word that no pattern names (nor matches by
    regular expression) counts as one "other word", so the table holds a
    row per kind of token (some hundreds), not per word of the corpus.  The
    few patterns over several tokens ("gon na", "let 's") still go through a
    Matcher of their own, in the sentences that hold the words they name.  Later patterns
    win over earlier ones on the same attribute, as in the ruler.
    """

    def __init__(self, ruler) -> None:
        from spacy.matcher import Matcher

        self.ruler = ruler
        self.single: list[tuple[int, list[list[tuple[Callable, Callable]]]]] = []
        self.keys: list[str] = []
        self.multi = Matcher(ruler.vocab)
        self.has_multi = False
        # per pattern over several tokens: the literal values its tokens need
        # (attribute id, allowed hashes); a sentence holding none of them for
        # one of these cannot match it, and skips the matcher
        self._gates: list[list[tuple[int, frozenset]]] = []
        used: set[str] = set()
        named: dict[str, set] = {}
        patterns: dict[str, list] = {}
        for attr_id, entry in enumerate(ruler.patterns):
            alternatives = []
            for pattern in entry["patterns"]:
                if len(pattern) != 1:
                    self.multi.add(str(attr_id), [pattern])
                    self.has_multi = True
                    self._gates.append(_literal_conditions(pattern, ruler.vocab.strings))
                    continue
                tests = []
                for key, value in pattern[0].items():
                    if key not in _TOKEN_KEYS:
                        raise Unsupported(f"token attribute {key}")
                    test, literals, regexes = _condition(key, value)
                    tests.append((key, test))
                    used.add(key)
                    if key in _WORDS:
                        named.setdefault(key, set()).update(literals)
                        patterns.setdefault(key, []).extend(regexes)
                alternatives.append(tests)
            if alternatives:
                self.single.append((attr_id, alternatives))
        self.keys = sorted(used)
        self._strings = ruler.vocab.strings
        # per word attribute: the words its patterns name (by hash), its
        # regular expressions, and a memo of hash -> the hash kept in the key
        self._words = {i: (frozenset(self._strings.add(w) for w in named.get(k, ())),
                           patterns.get(k, []), {})
                       for i, k in enumerate(self.keys) if k in _WORDS}
        self._table: dict[tuple, tuple[tuple[int, ...], Optional[dict], int]] = {}
        self._seen: dict[tuple, tuple[tuple[int, ...], Optional[dict], int]] = {}  # by raw key
        # the token attributes read (the keys) and written (what the rules set)
        from spacy.attrs import IDS

        self._read = [IDS["ORTH" if k == "TEXT" else k] for k in self.keys]
        self._written = sorted({attr for entry in ruler.attrs for attr in entry})
        if not set(self._written) <= {IDS[name] for name in _WRITABLE}:
            raise Unsupported(f"rules set attributes {self._written}")
        self._column = {attr: j for j, attr in enumerate(self._written)}
        # what each distinct set of rules sets: its values and which columns it sets
        self._entries: dict[tuple, int] = {}
        self._values = np.zeros((0, len(self._written)), dtype=np.uint64)
        self._sets = np.zeros((0, len(self._written)), dtype=bool)
        self._entry(None)

    def _word(self, position: int, value: int) -> int:
        """The word hash kept in the key: the word itself if a pattern names
        it or its regular expression matches it, else :data:`_OTHER_WORD`."""
        named, regexes, memo = self._words[position]
        kept = memo.get(value)
        if kept is None:
            text = self._strings[value]
            kept = value if value in named or any(r.search(text) for r in regexes) \
                else _OTHER_WORD
            memo[value] = kept
        return kept

    def _lookup(self, key: tuple) -> tuple[tuple[int, ...], Optional[dict], int]:
        """The rules (by index) that apply to a token whose attributes
        :attr:`keys` have the values ``key`` (as spaCy stores them), the
        attributes they set together, and its row in :attr:`_values`."""
        found = self._seen.get(key)
        if found is not None:
            return found
        raw = key
        if self._words:
            key = tuple(self._word(i, v) if i in self._words else v for i, v in enumerate(key))
        found = self._table.get(key)
        if found is not None:
            self._seen[raw] = found
            return found
        if found is None:
            strings = self._strings
            values = {k: (None if k in _WORDS and v == _OTHER_WORD else strings[v])
                      if k in _HASHED else v for k, v in zip(self.keys, key)}
            ids = tuple(attr_id for attr_id, alternatives in self.single
                        if any(all(test(values[k]) for k, test in tests)
                               for tests in alternatives))
            merged: dict = {}
            for attr_id in ids:
                merged.update(self.ruler.attrs[attr_id])
            found = (ids, merged or None, self._entry(merged))
            self._table[key] = found
            self._seen[raw] = found
        return found

    def _may_match(self, doc) -> bool:
        """Whether a pattern over several tokens could match in ``doc``:
        each of its literal conditions is met by some token."""
        present: dict[int, set] = {}
        for conditions in self._gates:
            for attr, allowed in conditions:
                values = present.get(attr)
                if values is None:
                    values = present[attr] = set(doc.to_array(attr).tolist())
                if values.isdisjoint(allowed):
                    break
            else:
                return True
        return False

    def _entry(self, merged: Optional[dict]) -> int:
        """The row of :attr:`_values` holding what ``merged`` sets (row 0: nothing)."""
        key = tuple(sorted(merged.items())) if merged else ()
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = len(self._entries)
            row = np.zeros((1, len(self._written)), dtype=np.uint64)
            mask = np.zeros((1, len(self._written)), dtype=bool)
            for attr, value in (merged or {}).items():
                row[0, self._column[attr]] = value
                mask[0, self._column[attr]] = True
            self._values = np.vstack([self._values, row])
            self._sets = np.vstack([self._sets, mask])
        return entry

    def __call__(self, doc):
        if len(doc) == 0:
            return doc
        extra: dict[int, list[int]] = {}
        if self.has_multi and self._may_match(doc):
            for match_id, start, end in self.multi(doc, allow_missing=True):
                attr_id = int(self.ruler.vocab.strings[match_id])
                index = self.ruler.indices[attr_id]
                position = range(start, end)[index]
                extra.setdefault(position, []).append(attr_id)
        # each token's row of what it gets, then all of them written at once
        # (one call into spaCy per sentence to read, one to write)
        lookup, seen = self._lookup, self._seen
        keys = doc.to_array(self._read).reshape(len(doc), -1).tolist()
        rows = []
        for key in map(tuple, keys):
            found = seen.get(key) or lookup(key)
            rows.append(found[2])
        for i, more in extra.items():
            ids = self._lookup(tuple(keys[i]))[0]
            merged: dict = {}
            for attr_id in sorted(set(ids) | set(more)):
                merged.update(self.ruler.attrs[attr_id])
            rows[i] = self._entry(merged)
        rows = np.asarray(rows)
        sets = self._sets[rows]
        if sets.any():
            values = doc.to_array(self._written).reshape(len(doc), -1)
            values[sets] = self._values[rows][sets]
            doc.from_array(self._written, values)
        return doc

def _index_as_sets(lemmatizer) -> None:
    """Make the lemmatizer's word lists (``lemma_index``: the known words of
    each part of speech, tens of thousands of nouns) sets: the rules only
    ask whether a form is among them, which a list answers by reading it
    through.  The answers are the same."""
    lookups = getattr(lemmatizer, "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return
    table = lookups.get_table("lemma_index")
    for key in list(table.keys()):
        words = table[key]
        if isinstance(words, list):
            table[key] = frozenset(words)


class LemmaTable:
    """spaCy's rule lemmatizer replayed from a memo of its answers.

    The rule lemmatizer gives a token its lemma from its word, its part of
    speech and its morphology alone (its own cache is keyed by these three),
    so each combination is lemmatised once by the lemmatizer itself and the
    lemma looked up afterwards; the attributes are read and written as
    arrays, one call into spaCy per sentence.  As the lemmatizer does when
    it does not overwrite, a lemma already set (by the attribute ruler) is
    kept.
    """

    def __init__(self, lemmatizer) -> None:
        from spacy.attrs import LEMMA, MORPH, ORTH, POS

        self.lemmatizer = lemmatizer
        _index_as_sets(lemmatizer)
        self._read = [ORTH, POS, MORPH, LEMMA]
        self._lemma = [LEMMA]
        self._strings = lemmatizer.vocab.strings
        self._memo: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc):
        if len(doc) == 0:
            return doc
        rows = doc.to_array(self._read).tolist()
        memo, strings = self._memo, self._strings
        lemmas = []
        for i, (orth, pos, morph, lemma) in enumerate(rows):
            if lemma == 0:
                key = (orth, pos, morph)
                lemma = memo.get(key)
                if lemma is None:
                    lemma = memo[key] = strings.add(self.lemmatizer.lemmatize(doc[i])[0])
            lemmas.append(lemma)
        doc.from_array(self._lemma, np.array(lemmas, dtype=np.uint64).reshape(-1, 1))
        return doc

    def pipe(self, docs: Iterable, batch_size: int = 128):
        for doc in docs:
            yield self(doc)


class BeamOfOne:
    """A transition-based component of spaCy (the entity recogniser) run
    through its beam search with a beam of one.

    A beam of one takes, at each step, the best-scoring valid action, as the
    greedy search does, so the parses and entities are the same (checked
    sentence by sentence on the development corpus).  It is faster here
    because the greedy search runs its loop with Python's lock released
    and, in the spaCy build installed, takes it back for every test of
    whether an action is valid (tens of times per word); the beam search
    keeps it.  Batches are cut as the component itself cuts them.
    """

    def __init__(self, component) -> None:
        self.component = component
        self.name = getattr(component, "name", "")

    def __getattr__(self, name: str):  # labels, cfg, moves ... of the component
        return getattr(self.component, name)

    def _annotate(self, docs: list) -> None:
        component = self.component
        if not any(len(doc) for doc in docs):
            component.set_annotations(docs, component.predict(docs))
            return
        beams = component.beam_parse(docs, beam_width=1, beam_density=0.0)
        component.set_annotations(docs, beams)

    def __call__(self, doc):
        self._annotate([doc])
        return doc

    def pipe(self, docs: Iterable, batch_size: int = 256):
        from spacy.util import minibatch

        for batch in minibatch(docs, size=batch_size):
            batch = list(batch)
            by_length = sorted(batch, key=len)
            for sub in minibatch(by_length, size=max(batch_size // 4, 2)):
                self._annotate(list(sub))
            yield from batch


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
    """Apply :func:`use_numpy_blas`, :class:`AttributeTable` and
    :class:`LemmaTable` to ``nlp``.

    The attribute ruler is replaced only if every one of its patterns can be
    replayed from the table, the lemmatizer only if it is spaCy's rule
    lemmatizer keeping the lemmas already set (otherwise each stays as it
    is)."""
    use_numpy_blas(nlp)
    nlp._timeline_fast = True  # timeline.nlp.parse recognises entities in windows
    ruler = nlp.get_pipe("attribute_ruler") if "attribute_ruler" in nlp.pipe_names else None
    if ruler is not None and type(ruler).__name__ == "AttributeRuler":
        try:
            _swap_component(nlp, "attribute_ruler", AttributeTable(ruler))
        except Unsupported:
            pass
    # the entity recogniser only: the parser, whose valid actions are tested
    # differently, gains nothing from it (measured)
    ner = nlp.get_pipe("ner") if "ner" in nlp.pipe_names else None
    if ner is not None and hasattr(ner, "beam_parse") and ner.cfg.get("beam_width", 1) == 1:
        _swap_component(nlp, "ner", BeamOfOne(ner))
    lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
    if (lemmatizer is not None
            and type(lemmatizer).__name__ in ("Lemmatizer", "EnglishLemmatizer")
            and getattr(lemmatizer, "mode", "") == "rule"
            and not getattr(lemmatizer, "overwrite", True)):
        _swap_component(nlp, "lemmatizer", LemmaTable(lemmatizer))


def _swap_component(nlp, name: str, component) -> None:
    """Put ``component`` in the place of the pipeline's component ``name``
    (kept under the same name, so ``disable=[name]`` still works)."""
    components = nlp._components  # spaCy keeps (name, component) pairs here
    for i, (other, _old) in enumerate(components):
        if other == name:
            components[i] = (name, component)
            return
