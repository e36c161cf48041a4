"""In-document coreference: which entity a name, a pronoun or a description is.

:class:`Coreference` reads the named entities spaCy found in an article's
parsed sentences and gives each a canonical name:

* a person's surname is the full name the article gives it ("Rubio" ->
  "Marco Rubio"), titles stripped ("US Secretary of State Marco Rubio");
* an acronym is its expansion when the article defines it ("the
  International Atomic Energy Agency (IAEA)" then "the IAEA") or names an
  organisation whose initials it is;
* a leading "the" and a possessive "'s" go.

Pronouns ("he", "it", "they") and definite descriptions ("the company", "the
ministry") are resolved to the most recent entity of an agreeing label
(``resources/events/coref.toml``) within a few sentences before them;
a description whose head word is part of an entity's name ("the ministry"
after "the Foreign Ministry") prefers that entity.  The rules are recency
and agreement only: no learned model.

:meth:`Coreference.resolve` gives the canonical name of a token;
:meth:`Coreference.rows` the article's entity mentions (one per name,
pronoun or description resolved), from which :func:`entity_table` builds
entities.csv across documents.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Optional

import pandas as pd

from ..article import Article
from ..tables import ENTITY_MENTION_COLUMNS  # entity_mentions rows, one list for store and CSV
from .participants import NameIndex, _strip_titles, proper_name

#: entities.csv columns
ENTITY_COLUMNS = ["entity_id", "name", "label", "aliases", "doc_ids", "n_mentions"]

LIST_SEP = "; "


@lru_cache(maxsize=1)
def coref_settings() -> dict:
    """The settings of ``resources/events/coref.toml``."""
    path = resources.files("timeline.resources").joinpath("events", "coref.toml")
    return tomllib.loads(path.read_text("utf-8"))


@dataclass
class EntityRef:
    """One mention of an entity: article offsets, its text, the canonical
    name, the label and how it was found ("name", "surname", "acronym",
    "pronoun", "description")."""

    start: int
    end: int
    text: str
    entity: str
    label: str
    kind: str
    sentence: int
    #: whether the mention is the subject of its clause (more salient)
    subject: bool = False


_POSSESSIVE = re.compile(r"\s*['’]s?$")
_ACRONYM_DEF = re.compile(
    r"((?:[A-Z][\w.&'’\-]*)(?:\s+(?:of|and|the|for|&|de|on|in|[A-Z][\w.&'’\-]*))*)\s*"
    r"\(\s*([A-Z][A-Za-z&.]{1,11})\s*\)")


def initials(name: str) -> str:
    """The capital initials of a name's content words ("International Atomic
    Energy Agency" -> "IAEA"; function words left out)."""
    skip = set(coref_settings()["names"]["function_words"])
    words = [w for w in re.split(r"[\s\-]+", name) if w and w.lower() not in skip]
    if not words or not all(w[:1].isupper() for w in words):
        return ""
    return "".join(w[0] for w in words)


def _acronym_definitions(text: str) -> dict[str, str]:
    """"Full Name (FN)" pairs of a text whose letters agree: acronym -> name."""
    out = {}
    for match in _ACRONYM_DEF.finditer(text):
        full, acro = match.group(1), match.group(2).replace(".", "")
        words = full.split()
        # the name is the shortest tail of the capitalised run whose initials give the acronym
        for k in range(len(words)):
            tail = " ".join(words[k:])
            if initials(tail).upper() == acro.upper() and words[k][:1].isupper() \
                    and words[k].lower() not in coref_settings()["names"]["function_words"]:
                out.setdefault(acro, tail)
                break
    return out


def _own_phrase(ent) -> str:
    """The text of an entity span from the first token of the phrase of its
    root: a span that straddles a phrase boundary loses the words hung
    elsewhere ("Secretary of the Army Dan Driscoll", found as "the Army Dan
    Driscoll", is "Dan Driscoll")."""
    k = ent.root.i
    while k > ent.start and ent.start <= ent.doc[k - 1].head.i < ent.end \
            and ent.doc[k - 1].head.i >= k - 1:
        k -= 1
    if k == ent.start:
        return ent.text
    return ent.doc[k:ent.end].text


def _name_run(tok):
    """The first and last tokens of the run of proper nouns compounded with
    ``tok`` around it ("Mac OS X", "Tim Cook")."""
    first = last = tok
    doc = tok.doc
    while first.i > tok.sent.start and doc[first.i - 1].pos_ == "PROPN" \
            and doc[first.i - 1].head.i in range(first.i, tok.i + 1):
        first = doc[first.i - 1]
    while last.i + 1 < tok.sent.end and doc[last.i + 1].pos_ == "NUM" \
            and doc[last.i + 1].dep_ == "nummod" and doc[last.i + 1].head.i == tok.i:
        last = doc[last.i + 1]      # a model number: "iPhone 4"
    return first, last


def _bare(text: str) -> str:
    words = _POSSESSIVE.sub("", text.strip()).split()
    lead = set(coref_settings()["names"]["leading"])
    while len(words) > 1 and words[0].lower() in lead:
        words = words[1:]
    return " ".join(words)


class Coreference(NameIndex):
    """The entities of one article and what each name, pronoun and
    description refers to (see the module's docstring).  Also a
    :class:`NameIndex` (``expand``, ``person_before``)."""

    def __init__(self, article: Article):
        super().__init__(article)
        settings = coref_settings()
        labels = frozenset(settings["labels"])
        self.doc_id = article.doc_id
        self.n_sentences = sum(s.doc is not None for s in article.sentences)
        acronyms = _acronym_definitions(article.text)
        spans = []
        for sent in article.sentences:
            if sent.doc is None:
                continue
            for ent in sent.doc.ents:
                if ent.label_ not in labels:
                    continue
                text = _own_phrase(ent)
                if ent.label_ == "PERSON" and ent.root.pos_ == "PROPN":
                    # the name proper, titles left out
                    name = proper_name(ent.root)
                    if name and name in text:
                        text = name
                spans.append((sent.start + ent.start_char, sent.start + ent.end_char,
                              text, ent.label_, sent.index,
                              ent.root.dep_ in ("nsubj", "nsubjpass")))
        spans.extend(self._unrecognised_names(article, spans))
        spans = self._surnames_as_persons(spans)
        spans.sort()
        # first names of the article's full personal names ("Steve" -> "Steve Jobs"),
        # with the offsets where each full name is written
        firsts: dict[str, list] = defaultdict(list)
        for start, _, text, label, _, _ in spans:
            words = _strip_titles(_bare(text).split(), True)
            if label == "PERSON" and len(words) >= 2:
                firsts[words[0]].append((start, " ".join(words)))
        self._firsts = dict(firsts)
        self.first_names = {k: v[0][1] for k, v in firsts.items()
                            if len({n for _, n in v}) == 1}
        # organisations by their initials, for acronyms the text does not define
        by_initials: dict[str, set] = defaultdict(set)
        for _, _, text, label, _, _ in spans:
            name = _bare(text)
            if label in ("ORG", "GPE", "FAC", "NORP") and " " in name:
                acro = initials(name)
                if len(acro) >= 2:
                    by_initials[acro.upper()].add(name)
        self.refs: list[EntityRef] = []
        for start, end, text, label, index, subject in spans:
            name, kind = self._canonical(text, label, acronyms, by_initials, start)
            if name:
                self.refs.append(EntityRef(start, end, text, name, label, kind, index, subject))
        self._starts = [r.start for r in self.refs]
        self._resolved: dict[int, EntityRef] = {}
        # pronouns and descriptions resolved as subjects, in text order: they
        # carry their entity on ("Jobs ... He ... He ... he was fired")
        self._chain: list[EntityRef] = []
        self._chain_starts: list[int] = []
        self._resolve_references(article)

    # --- names the entity recogniser did not give -------------------------------

    def _unrecognised_names(self, article: Article, spans: list) -> list:
        """Name spans for proper nouns no entity covers (a sentence the entity
        recogniser skipped or missed): a run of proper nouns takes the label
        its name has elsewhere in the article, else PERSON when the article
        writes it as a person's name (:class:`NameIndex`); a name with no
        known label is left out."""
        known: dict[str, Counter] = defaultdict(Counter)
        for _, _, text, label, _, _ in spans:
            known[_bare(text)][label] += 1
        persons = {name for _, name in self.persons} - self.not_persons
        covered = {(s, e) for s, e, *_ in spans}
        starts = sorted(s for s, _ in covered)
        ends = {s: e for s, e in covered}
        out = []
        from spacy.attrs import ENT_TYPE, POS
        from spacy.symbols import PROPN

        for sent in article.sentences:
            if sent.doc is None:
                continue
            # the proper nouns no entity covers, read from the doc's arrays
            bare = [i for i, (pos, ent) in enumerate(sent.doc.to_array([POS, ENT_TYPE]).tolist())
                    if pos == PROPN and not ent]
            for i in bare:
                tok = sent.doc[i]
                if tok.dep_ in ("compound", "flat") and tok.head.pos_ == "PROPN" \
                        and tok.head.i != tok.i:
                    continue
                first, last = _name_run(tok)
                start = sent.start + first.idx
                end = sent.start + last.idx + len(last.text)
                pos = bisect_right(starts, start) - 1
                if pos >= 0 and ends[starts[pos]] > start:
                    continue
                text = sent.doc[first.i:last.i + 1].text
                name = _bare(text)
                label = ""
                if known.get(name):
                    label = known[name].most_common(1)[0][0]
                elif self.expand(name) in persons or name in persons:
                    label = "PERSON"
                if label:
                    out.append((start, end, text, label, sent.index,
                                tok.dep_ in ("nsubj", "nsubjpass")))
        return out

    def _surnames_as_persons(self, spans: list) -> list:
        """A one-word name that is the last word of exactly one full personal
        name of the article is that person wherever it got another label, when
        the recogniser also tags it as a person on its own, or gives it the
        other label only once ("Jobs said ..." tagged ORG after "Steve Jobs");
        a name tagged so twice or more is kept ("Apple" the company beside a
        Fiona Apple)."""
        full: dict[str, set] = defaultdict(set)
        alone: Counter = Counter()
        for _, _, text, label, _, _ in spans:
            words = _strip_titles(_bare(text).split(), True)
            if label == "PERSON" and len(words) >= 2:
                full[words[-1]].add(" ".join(words))
            elif len(words) == 1:
                alone[(words[0], label == "PERSON")] += 1
        out = []
        for start, end, text, label, index, subject in spans:
            name = _bare(text)
            if label != "PERSON" and " " not in name and name[:1].isupper() \
                    and not name.isupper() and len(full.get(name, ())) == 1 \
                    and (alone[(name, True)] or alone[(name, False)] <= 1):
                label = "PERSON"
            out.append((start, end, text, label, index, subject))
        return out

    # --- names ------------------------------------------------------------------

    def _canonical(self, text: str, label: str, acronyms: dict, by_initials: dict,
                   offset: int = -1) -> tuple[str, str]:
        name = _bare(text)
        if not name or not any(c.isalpha() for c in name):
            return "", ""
        if label == "PERSON":
            words = _strip_titles(name.split(), True)
            name = " ".join(words)
            if len(words) == 1:
                full = self.expand(name)
                if full != name:
                    return full, "surname"
                first = self._first_name(name, offset)
                if first:
                    return first, "first name"
            return name, "name"
        key = name.replace(".", "")
        if key.isupper() and 2 <= len(key) <= 12:
            if key in acronyms:
                return acronyms[key], "acronym"
            names = by_initials.get(key.upper(), set())
            if len(names) == 1:
                return next(iter(names)), "acronym"
        return name, "name"

    def _first_name(self, name: str, offset: int) -> str:
        """The full name a first name stands for: the one full name of the
        article with that first word, else the last one written before
        ``offset`` ("Steve" after "Steve Jobs", before "Steve Ballmer" is
        named), else ""."""
        found = getattr(self, "_firsts", {}).get(name, [])
        if not found:
            return ""
        if len({n for _, n in found}) == 1:
            return found[0][1]
        before = [n for start, n in found if start < offset]
        return before[-1] if before else ""

    def ref_at(self, offset: int) -> Optional[EntityRef]:
        """The named entity mention covering article offset ``offset``."""
        pos = bisect_right(self._starts, offset) - 1
        if pos >= 0 and self.refs[pos].start <= offset < self.refs[pos].end:
            return self.refs[pos]
        return None

    # --- pronouns and descriptions -------------------------------------------------

    def _before(self, offset: int, sentence: int, labels: Iterable[str], window: int,
                head_word: str = "") -> Optional[EntityRef]:
        """The entity an anaphor at ``offset`` refers to: among the mentions
        of an agreeing label in the ``window`` sentences before it, the most
        recent subject of the nearest sentence that has one (subjects are the
        most salient), else the most recent mention; with ``head_word``,
        one whose name holds that word first."""
        labels = set(labels)
        recent = None
        subject = None
        named = None
        for ref in self._refs_before(offset):
            if ref.end > offset:
                continue
            if ref.sentence < sentence - window:
                break
            if ref.label not in labels:
                continue
            if head_word and named is None and head_word in ref.entity.lower().split():
                named = ref
            if recent is None:
                recent = ref
            if subject is None and ref.subject:
                subject = ref
        return named or subject or recent

    def _refs_before(self, offset: int):
        """The named mentions and the chained references (pronouns and
        descriptions resolved as subjects) starting before ``offset``, the
        latest first."""
        i = bisect_right(self._starts, offset) - 1
        j = bisect_right(self._chain_starts, offset) - 1
        while i >= 0 or j >= 0:
            if j < 0 or (i >= 0 and self.refs[i].start >= self._chain[j].start):
                yield self.refs[i]
                i -= 1
            else:
                yield self._chain[j]
                j -= 1

    def _resolve_references(self, article: Article) -> None:
        settings = coref_settings()
        pronouns = {k: v for k, v in settings["pronouns"].items() if isinstance(v, list)}
        p_window = int(settings["pronouns"]["window"])
        descriptions = {k: v for k, v in settings["descriptions"].items()
                        if isinstance(v, list) and k != "determiners"}
        d_window = int(settings["descriptions"]["window"])
        determiners = set(settings["descriptions"]["determiners"])
        for sent in article.sentences:
            if sent.doc is None:
                continue
            for tok in sent.doc:
                low = tok.lower_
                offset = sent.start + tok.idx
                ref = None
                if tok.pos_ == "PRON" and low in pronouns:
                    ref = self._before(offset, sent.index, pronouns[low], p_window)
                    kind = "pronoun"
                elif tok.pos_ == "NOUN" and tok.lemma_.lower() in descriptions \
                        and tok.ent_type_ == "" and tok.tag_ in ("NN", "NNS") \
                        and any(c.dep_ == "det" and c.lower_ in determiners
                                for c in tok.children) \
                        and not any(c.dep_ in ("prep", "acl", "appos", "compound")
                                    and (c.dep_ != "prep" or c.lower_ == "of")
                                    for c in tok.children):
                    lemma = tok.lemma_.lower()
                    ref = self._before(offset, sent.index, descriptions[lemma], d_window,
                                       head_word=lemma)
                    kind = "description"
                if ref is not None:
                    subject = tok.dep_ in ("nsubj", "nsubjpass")
                    found = EntityRef(offset, offset + len(tok.text), tok.text, ref.entity,
                                      ref.label, kind, sent.index, subject)
                    self._resolved[offset] = found
                    if subject:
                        self._chain.append(found)
                        self._chain_starts.append(offset)

    def resolve(self, tok, sent) -> Optional[str]:
        """The canonical name of the entity token ``tok`` (of parsed sentence
        ``sent``) names or refers to, or None."""
        offset = sent.start + tok.idx
        ref = self._resolved.get(offset) or self.ref_at(offset)
        return ref.entity if ref is not None else None

    def label_of(self, name: str) -> str:
        """The most frequent label of the canonical name ``name`` ("" if unseen)."""
        labels = Counter(r.label for r in self.refs if r.entity == name)
        return labels.most_common(1)[0][0] if labels else ""

    def rows(self) -> list[dict]:
        """The article's entity mentions as rows (:data:`ENTITY_MENTION_COLUMNS`),
        in text order: every named mention, and every pronoun or description
        resolved."""
        refs = sorted([*self.refs, *self._resolved.values()], key=lambda r: (r.start, r.end))
        return [{"doc_id": self.doc_id, "start": r.start, "end": r.end, "text": r.text,
                 "entity": r.entity, "label": r.label, "kind": r.kind} for r in refs]


def coreference_of(article: Article) -> Coreference:
    """The :class:`Coreference` of a parsed article, made once and kept on
    the article (as ``article._coreference``) for the later steps."""
    coref = getattr(article, "_coreference", None)
    if coref is None or coref.n_sentences != sum(s.doc is not None for s in article.sentences):
        coref = Coreference(article)
        article._coreference = coref
    return coref


# --- entities across documents -------------------------------------------------------


def _entity_id(name: str) -> str:
    return "en-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]


def entity_table(entity_mentions: pd.DataFrame) -> pd.DataFrame:
    """entities.csv from per-article entity mention rows
    (:data:`ENTITY_MENTION_COLUMNS`): one row per entity across documents.

    Mentions with the same canonical name are one entity.  A one-word
    canonical name (a surname or a short name an article never completed)
    joins the entity of another article whose name ends with it, or whose
    aliases hold it, when exactly one such entity of a compatible label
    exists.  Columns: entity_id, name, label (most frequent), aliases (the
    names seen, "; "-joined), doc_ids, n_mentions; sorted by n_mentions then
    name.  Works on any subset of rows, so it can be rebuilt from stored
    per-article rows.
    """
    if entity_mentions is None or entity_mentions.empty:
        return pd.DataFrame(columns=ENTITY_COLUMNS)
    frame = entity_mentions.fillna("")
    names: dict[str, dict] = {}
    for name, label, text, doc, kind in zip(frame["entity"].astype(str),
                                            frame["label"].astype(str),
                                            frame["text"].astype(str),
                                            frame["doc_id"].astype(str),
                                            frame["kind"].astype(str)):
        if not name:
            continue
        entry = names.setdefault(name, {"labels": Counter(), "aliases": set(), "docs": set(),
                                        "n": 0})
        entry["labels"][label] += 1
        if kind not in ("pronoun", "description"):
            entry["aliases"].add(_bare(text))
        entry["docs"].add(doc)
        entry["n"] += 1
    # one-word names into the unique longer entity they are part of
    index: dict[str, set] = defaultdict(set)
    for name, entry in names.items():
        if " " in name:
            index[name.split()[-1]].add(name)
            for alias in entry["aliases"]:
                if alias != name:
                    index[alias].add(name)
    target = {}
    for name, entry in names.items():
        if " " in name:
            continue
        label = entry["labels"].most_common(1)[0][0]
        others = [o for o in index.get(name, ()) if o != name
                  and names[o]["labels"].most_common(1)[0][0] == label]
        if len(others) == 1:
            target[name] = others[0]
    for name, into in target.items():
        entry, dest = names.pop(name), names[into]
        dest["labels"].update(entry["labels"])
        dest["aliases"] |= entry["aliases"] | {name}
        dest["docs"] |= entry["docs"]
        dest["n"] += entry["n"]
    rows = []
    for name, entry in names.items():
        rows.append({
            "entity_id": _entity_id(name), "name": name,
            "label": entry["labels"].most_common(1)[0][0],
            "aliases": LIST_SEP.join(sorted(entry["aliases"] | {name})),
            "doc_ids": LIST_SEP.join(sorted(entry["docs"])), "n_mentions": entry["n"]})
    out = pd.DataFrame(rows, columns=ENTITY_COLUMNS)
    return out.sort_values(["n_mentions", "name"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)
