"""The English pipeline made cheaper, with the same results.

Six changes to the pipeline ``spacy.load`` gives, each checked token by
token against the original (``tests/test_speedups.py``):

- :func:`use_numpy_blas`: thinc's matrix products go to numpy's BLAS;
- :func:`use_inference_layers`: the maxout and layer-normalisation layers of
  the token encoders computed for prediction only, with the same numbers;
- :class:`ChunkedEncoder`: the token encoder run on a few dozen sentences
  at a time (the same vectors, with arrays that stay in the cache);
- :class:`AttributeTable`: the attribute ruler (the rules that give each
  token its coarse part of speech, morphology and some lemmas from its
  fine-grained tag and its word) applied from a table of what each kind of
  token gets, instead of a pattern matcher run over every sentence;
- :class:`LemmaTable`: the rule lemmatizer's answers memoised, its word
  lists made sets;
- :class:`GreedyEntities`: the entity recogniser's greedy search made in
  numpy over a whole batch a word at a time (the same entities, without
  the compiled loop that takes Python's lock back for every move tested);
  :class:`BeamOfOne` (its search run as a beam of width one) where the
  recogniser is not one it can decode.

:func:`speed_up` applies them to a loaded pipeline.  One more saving changes
results a little, and is measured instead (README, "Speed"):
:func:`recognise_entities` runs the entity recogniser, the most expensive
component, only on the words around those that can begin a name.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Optional

import numpy as np
from spacy.attrs import IDX, LENGTH, ORTH, SPACY

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


#: by layer (thinc's ``model.id``): thinc's forward pass of a swapped layer, and
#: a maxout layer's weights laid out piece by piece (kept here, not in the
#: layer's ``attrs``, which thinc writes out when a pipeline is saved)
_FORWARD: dict = {}
_PIECES: dict = {}


def _maxout_weights(model) -> tuple:
    """A maxout layer's weights laid out piece by piece: (nO, nP, the
    (nP * nO, nI) matrix whose rows p * nO .. (p + 1) * nO are piece p's,
    its bias), made once per layer."""
    found = _PIECES.get(model.id)
    if found is None:
        n_out, pieces, n_in = (model.get_dim(d) for d in ("nO", "nP", "nI"))
        weights = model.get_param("W").reshape(n_out, pieces, n_in)
        bias = model.get_param("b").reshape(n_out, pieces)
        found = (n_out, pieces,
                 np.ascontiguousarray(weights.transpose(1, 0, 2).reshape(pieces * n_out, n_in)),
                 np.ascontiguousarray(bias.T.reshape(pieces * n_out)))
        _PIECES[model.id] = found
    return found


def maxout_predict(model, X, is_train: bool):
    """thinc's maxout layer for prediction: the products of every piece in
    one matrix product, then the largest piece of each unit by elementwise
    maxima.  thinc's own forward pass also finds which piece won (for
    training) with a loop over every unit; the values are the same."""
    if is_train:
        return _FORWARD[model.id](model, X, is_train)
    n_out, pieces, weights, bias = _maxout_weights(model)
    products = X @ weights.T
    products += bias
    best = products[:, :n_out].copy()
    for piece in range(1, pieces):
        np.maximum(best, products[:, piece * n_out:(piece + 1) * n_out], out=best)
    return best, _no_backprop


def layernorm_predict(model, X, is_train: bool):
    """thinc's layer normalisation for prediction: the same operations,
    made in place on one new array."""
    if is_train:
        return _FORWARD[model.id](model, X, is_train)
    mean = X.mean(axis=1, keepdims=True)
    variance = X.var(axis=1, keepdims=True) + 1e-08
    out = X - mean
    out *= variance ** (-1.0 / 2.0)
    out *= model.get_param("G")
    out += model.get_param("b")
    return out, _no_backprop


def _no_backprop(_gradient):
    raise RuntimeError("a layer swapped by timeline.speedups runs for prediction only")


_PREDICT = {"maxout": maxout_predict, "layernorm": layernorm_predict}


def _same_numbers(model, swapped, width: int) -> bool:
    """Whether ``swapped`` gives ``model``'s forward pass bit for bit on
    a few rows of made-up input (the order in which the BLAS sums a product
    can depend on the layout of the matrices: where it would differ, the
    layer keeps thinc's forward pass)."""
    rng = np.random.default_rng(7)
    for rows in (1, 2, 5, 12, 67, 300):  # a vector product, small and larger ones
        X = rng.standard_normal((rows, width)).astype("float32")
        want, _ = _FORWARD[model.id](model, X, False)
        got, _ = swapped(model, X, False)
        if got.shape != want.shape or not np.array_equal(got, want):
            return False
    return True


def use_inference_layers(nlp) -> int:
    """Give the maxout and layer-normalisation layers of the pipeline
    (the token encoders' convolution and mixing layers) forward passes made
    for prediction only (:func:`maxout_predict`, :func:`layernorm_predict`),
    each kept only if it gives the same numbers as thinc's on a test input.
    Returns how many layers were swapped.

    Measured on te3-silver: a quarter less time in the token encoders,
    whose outputs stay identical bit for bit."""
    swapped = 0
    for _name, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            predict = _PREDICT.get(node.name)
            if predict is None or node.id in _FORWARD:
                continue
            _FORWARD[node.id] = node._func
            try:
                same = _same_numbers(node, predict, node.get_dim("nI"))
            except Exception:  # an uninitialised or unexpected layer: left as it is
                same = False
            if same:
                node._func = predict
                swapped += 1
            else:
                del _FORWARD[node.id]
                _PIECES.pop(node.id, None)
    return swapped


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


class _StandIn:
    """A component put in the place of one of spaCy's (``component``): its
    other attributes are the component's (labels, cfg, moves, model ...); a
    document, or each batch of a stream, goes through :meth:`_annotate`."""

    def __init__(self, component) -> None:
        self.component = component
        self.name = getattr(component, "name", "")

    def __getattr__(self, name: str):
        return getattr(self.component, name)

    def _annotate(self, docs: list) -> None:
        raise NotImplementedError

    def __call__(self, doc):
        self._annotate([doc])
        return doc

    def pipe(self, docs: Iterable, batch_size: int = 256):
        from spacy.util import minibatch

        for batch in minibatch(docs, size=batch_size):
            batch = list(batch)
            self._annotate(batch)
            yield from batch


class BeamOfOne(_StandIn):
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

    def _annotate(self, docs: list) -> None:
        component = self.component
        if not any(len(doc) for doc in docs):
            component.set_annotations(docs, component.predict(docs))
            return
        beams = component.beam_parse(docs, beam_width=1, beam_density=0.0)
        component.set_annotations(docs, beams)

    def pipe(self, docs: Iterable, batch_size: int = 256):
        from spacy.util import minibatch

        for batch in minibatch(docs, size=batch_size):
            batch = list(batch)
            by_length = sorted(batch, key=len)
            for sub in minibatch(by_length, size=max(batch_size // 4, 2)):
                self._annotate(list(sub))
            yield from batch


#: sentences per matrix product of the token encoders: their layers' arrays then
#: stay in the processor's cache (measured on te3-silver: a tenth less time than
#: with the 256 sentences of a batch)
ENCODER_CHUNK = 64


def encode_in_chunks(model, docs: list):
    """``model.predict(docs)`` (a token encoder: a list of arrays, one per
    document, or one array of all their tokens) made :data:`ENCODER_CHUNK`
    documents at a time, joined.  Each document's vectors depend on its own
    words only, so they are the same."""
    if len(docs) <= ENCODER_CHUNK:
        return model.predict(docs)
    parts = [model.predict(docs[i:i + ENCODER_CHUNK]) for i in range(0, len(docs), ENCODER_CHUNK)]
    if isinstance(parts[0], list):
        return [vectors for part in parts for vectors in part]
    return np.concatenate(parts)


class ChunkedEncoder(_StandIn):
    """spaCy's ``tok2vec`` component (the token encoder the tagger and the
    parser listen to) run :data:`ENCODER_CHUNK` sentences at a time within
    each batch (:func:`encode_in_chunks`); the vectors it leaves on each
    document, which the listeners read, are the same."""

    def predict(self, docs: list):
        docs = list(docs)
        if not any(len(doc) for doc in docs):
            return self.component.predict(docs)
        return encode_in_chunks(self.component.model, docs)

    def _annotate(self, docs: list) -> None:
        self.component.set_annotations(docs, self.predict(docs))


#: the move types of spaCy's entity transitions (``BiluoPushDown``), by the
#: first letter of a move's name
_MISSING, _BEGIN, _IN, _LAST, _UNIT, _OUT = range(6)
_MOVE_LETTERS = {"M": _MISSING, "B": _BEGIN, "I": _IN, "L": _LAST, "U": _UNIT, "O": _OUT}


#: at most this many (sentence, word) cells in one group decoded together
_GROUP_CELLS = 200_000


class GreedyEntities(_StandIn):
    """spaCy's entity recogniser with its greedy search made in numpy, all
    the sentences of a batch a step at a time.

    The recogniser reads each word once, left to right: at every word it
    scores its moves (begin, continue, end or make a one-word entity of a
    label, or none) from three words (this one, the first of the entity
    open, the one before), and takes the best move the entity transitions
    allow.  Every sentence is at the same word at the same step, so a step
    is a few array operations over the whole batch instead of a compiled
    loop that takes Python's lock back for each test of a move.  The
    numbers are the component's own (its token encoder, its feature and
    scoring layers, its unseen moves marked lowest); the moves allowed are
    those of spaCy's ``BiluoPushDown`` for a sentence with no entity set
    beforehand.  A sentence that has entities set beforehand goes through
    the component itself (:class:`BeamOfOne`).

    Checked against the greedy search of the original pipeline: the same
    entities on the test sentences and on the 1,000 articles of the
    benchmark (README, "Speed")."""

    def __init__(self, component) -> None:
        super().__init__(component)
        self.fallback = BeamOfOne(component)
        moves = component.moves
        names = [moves.get_class_name(i) for i in range(moves.n_moves)]
        self.kinds = np.array([_MOVE_LETTERS[n[0]] for n in names], dtype=np.int8)
        labels = [n[2:] if len(n) > 1 else "" for n in names]
        ids = {label: k for k, label in enumerate(sorted(set(labels)))}  # "" is 0
        self.label_names = sorted(ids, key=ids.get)
        self.labels = np.array([ids[label] for label in labels], dtype=np.int32)
        model = component.model
        self.tok2vec, self.lower = model.get_ref("tok2vec"), model.get_ref("lower")
        self.upper = model.get_ref("upper")
        self.unseen = np.array(sorted(model.attrs.get("unseen_classes", ()) or ()), dtype=np.int64)
        kinds, labelled = self.kinds, self.labels != 0
        self._out = kinds == _OUT
        self._begin = (kinds == _BEGIN) & labelled
        self._in = (kinds == _IN) & labelled
        self._last = (kinds == _LAST) & labelled
        self._unit = (kinds == _UNIT) & labelled

    @staticmethod
    def supported(component) -> bool:
        """Whether ``component`` is an entity recogniser this class can
        decode: spaCy's, with an output layer, three features per state (the
        word, the entity's first word, the previous word) and no move it
        does not know."""
        try:
            model = component.model
            moves = component.moves
            names = [moves.get_class_name(i) for i in range(moves.n_moves)]
            return (type(moves).__name__ == "BiluoPushDown" and model.attrs.get("has_upper")
                    and model.get_ref("lower").get_dim("nF") == 3
                    and model.get_ref("lower").name == "precomputable_affine"
                    and all(n[0] in _MOVE_LETTERS for n in names) and "O" in names)
        except Exception:
            return False

    def _annotate(self, docs: list) -> None:
        fresh = [d for d in docs if len(d) and not d.has_annotation("ENT_IOB")]
        if len(fresh) < len(docs):
            chosen = {id(d) for d in fresh}
            self.fallback._annotate([d for d in docs if id(d) not in chosen])
        # longest first: the sentences still being read at a step are a prefix; a
        # group's arrays are (sentences x its longest sentence), so a very long
        # sentence goes with few others
        fresh.sort(key=len, reverse=True)
        group: list = []
        for doc in fresh:
            if group and (len(group) >= 256 or (len(group) + 1) * len(group[0]) > _GROUP_CELLS):
                self._decode(group)
                group = []
            group.append(doc)
        self._decode(group)

    def _decode(self, docs: list) -> None:
        from spacy.attrs import IS_SPACE, SENT_START
        from spacy.tokens import Span

        if not docs:
            return
        vectors = encode_in_chunks(self.tok2vec, docs)
        features = self.lower.predict(vectors)          # (words + 1, 3, hidden, pieces); row 0 pads
        bias = self.lower.get_param("b")
        weights, out_bias = self.upper.get_param("W"), self.upper.get_param("b")
        lengths = np.array([len(d) for d in docs])
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        space = [d.to_array([IS_SPACE, SENT_START]) for d in docs]
        n_docs, longest = len(docs), int(lengths[0])
        is_space = np.zeros((n_docs, longest), dtype=bool)
        next_starts = np.zeros((n_docs, longest), dtype=bool)
        for k, arr in enumerate(space):
            is_space[k, :len(arr)] = arr[:, 0] != 0
            next_starts[k, :len(arr) - 1] = arr[1:, 1].astype(np.int64) == 1
        moves = np.zeros((n_docs, longest), dtype=np.int64)
        open_ = np.zeros(n_docs, dtype=bool)
        open_label = np.zeros(n_docs, dtype=np.int32)
        open_start = np.zeros(n_docs, dtype=np.int64)
        kinds, labels = self.kinds, self.labels
        active = n_docs
        for t in range(longest):
            while active and lengths[active - 1] <= t:
                active -= 1
            o = open_[:active]
            rows = offsets[:active] + t + 1
            first = offsets[:active] + open_start[:active] + 1     # the open entity's first word
            state = features[rows, 0] + features[np.where(o, first, 0), 1]
            state += features[np.where(o, rows - 1, 0), 2]
            state += bias
            hidden = state[:, :, 0]
            for piece in range(1, state.shape[2]):
                hidden = np.maximum(hidden, state[:, :, piece])
            scores = hidden @ weights.T
            scores += out_bias
            if len(self.unseen):
                scores[:, self.unseen] = np.nanmin(scores)
            more = lengths[:active] - t >= 2
            fits = (~next_starts[:active, t]) & more
            same = labels[None, :] == open_label[:active, None]
            free, word = ~o[:, None], ~is_space[:active, t][:, None]
            valid = (self._out & free) \
                | (self._begin & free & word & fits[:, None]) \
                | (self._in & o[:, None] & same & fits[:, None]) \
                | (self._last & o[:, None] & same) \
                | (self._unit & free & word)
            scores[~valid] = -np.inf
            best = scores.argmax(axis=1)
            moves[:active, t] = best
            kind = kinds[best]
            opening = kind == _BEGIN
            open_start[:active] = np.where(opening, t, open_start[:active])
            open_label[:active] = np.where(opening, labels[best], open_label[:active])
            # (every allowed move begins, continues, ends or makes no entity)
            open_[:active] = opening | (kind == _IN)
        names = self.label_names
        for k, doc in enumerate(docs):
            spans, start = [], 0
            for t, move in enumerate(moves[k, :lengths[k]].tolist()):
                kind = kinds[move]
                if kind == _BEGIN:
                    start = t
                elif kind == _LAST:
                    spans.append(Span(doc, start, t + 1, label=names[labels[move]]))
                elif kind == _UNIT:
                    spans.append(Span(doc, t, t + 1, label=names[labels[move]]))
            doc.set_ents(spans, default="outside")


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


def _near_names(doc, spans, window: int) -> list[bool]:
    """Which tokens of ``doc`` lie within ``window`` tokens of one that
    :func:`could_be_named` or that overlaps one of the character ``spans``
    (read from spaCy's token arrays in one call, not token by token)."""
    from spacy.attrs import IS_ALPHA, IS_CURRENCY, IS_TITLE, IS_UPPER, LIKE_NUM, POS
    from spacy.parts_of_speech import PROPN

    n = len(doc)
    keep = [False] * n
    percent = doc.vocab.strings.add("%")
    rows = doc.to_array([POS, LIKE_NUM, IS_CURRENCY, ORTH, IS_ALPHA, IS_TITLE, IS_UPPER, LENGTH,
                         IDX]).tolist()
    for i, (pos, num, currency, orth, alpha, title, upper, length, idx) in enumerate(rows):
        if (pos == PROPN or num or currency or orth == percent
                or (alpha and (title or (upper and length > 1)))
                or (spans and any(start < idx + length and idx < end for start, end in spans))):
            for j in range(max(0, i - window), min(n, i + window + 1)):
                keep[j] = True
    return keep


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
        keep = _near_names(doc, also[n] if also else (), window)
        kept = [i for i, flag in enumerate(keep) if flag]
        if not kept:
            doc.set_ents([], default="outside")
        elif len(kept) >= WINDOWED_BELOW * len(doc):
            jobs.append((doc, None, None))
        else:
            strings = doc.vocab.strings
            words = doc.to_array([ORTH, SPACY])[kept].tolist()
            short = Doc(doc.vocab, words=[strings[w] for w, _space in words],
                        spaces=[bool(space) for _w, space in words])
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
    """Apply :func:`use_numpy_blas`, :func:`use_inference_layers`,
    :class:`ChunkedEncoder`, :class:`AttributeTable`, :class:`GreedyEntities`
    (or :class:`BeamOfOne`) and :class:`LemmaTable` to ``nlp``.

    The attribute ruler is replaced only if every one of its patterns can be
    replayed from the table, the lemmatizer only if it is spaCy's rule
    lemmatizer keeping the lemmas already set (otherwise each stays as it
    is)."""
    use_numpy_blas(nlp)
    use_inference_layers(nlp)
    nlp._timeline_fast = True  # timeline.nlp.parse recognises entities in windows
    ruler = nlp.get_pipe("attribute_ruler") if "attribute_ruler" in nlp.pipe_names else None
    if ruler is not None and type(ruler).__name__ == "AttributeRuler":
        try:
            _swap_component(nlp, "attribute_ruler", AttributeTable(ruler))
        except Unsupported:
            pass
    # the entity recogniser only: the parser, whose valid actions are tested
    # differently, gained nothing from a beam of one (measured)
    ner = nlp.get_pipe("ner") if "ner" in nlp.pipe_names else None
    if ner is not None and hasattr(ner, "beam_parse") and ner.cfg.get("beam_width", 1) == 1:
        _swap_component(nlp, "ner", GreedyEntities(ner) if GreedyEntities.supported(ner)
                        else BeamOfOne(ner))
    encoder = nlp.get_pipe("tok2vec") if "tok2vec" in nlp.pipe_names else None
    if encoder is not None and type(encoder).__name__ == "Tok2Vec":
        _swap_component(nlp, "tok2vec", ChunkedEncoder(encoder))
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
