"""Who takes part in an event: agents (actors), patients (objects), names.

* :func:`_subject_tokens` / :func:`_clause_subject`: the subject of a
  predicate, climbing through coordination, control and relative clauses.
* :class:`NameIndex`: the full names of an article, to expand a surname and
  to resolve he/she to the last person named (in-document coreference).
* :func:`actor_names`: readable names of actor tokens.
* :func:`object_of`: the object (patient or theme) of a predicate.
* :func:`sentence_entities`: the named entities of a parsed sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from typing import Optional

from ..article import Article, Sentence
from .detect import is_verbal
from .lexicon import lexicon


#: entity labels kept as the named entities of a sentence
NAMED_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT",
                          "PRODUCT", "WORK_OF_ART", "LAW"})
#: entity labels an actor's name may carry
ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
SUBJECT_DEPS = ("nsubj", "csubj", "expl")
PASSIVE_SUBJECT_DEPS = ("nsubjpass", "csubjpass")

# --- actors ----------------------------------------------------------------------------


def _agent_tokens(verb) -> list:
    for child in verb.children:
        if child.dep_ == "agent":
            return [c for c in child.children if c.dep_ == "pobj"]
    return []


def _clause_subject(verb) -> tuple[list, bool]:
    """Subject tokens of a verb, climbing to the verb it depends on when it
    has none ("met ... and agreed", "confirmed receiving", "pressed Kiev to
    accept" -> Kiev), and whether they are the patient of a passive: a
    passive with neither subject nor agent of its own undergoes what it
    tells, so the subject it takes from above is its patient ("expressed
    frustration over being left out": the speaker was left out)."""
    subj, passive = _climb_to_subject(verb)
    if subj and not passive and any(c.dep_ == "auxpass" for c in verb.children) \
            and not any(c.dep_ in SUBJECT_DEPS or c.dep_ in PASSIVE_SUBJECT_DEPS
                        for c in verb.children) and not _agent_tokens(verb):
        passive = True
    return subj, passive


def _climb_to_subject(verb) -> tuple[list, bool]:
    """:func:`_clause_subject` without the passive check of its verb."""
    tok = verb
    # an active conjunct shares the subject of its clause, not the agent of a
    # passive one: "Apple was started by Jobs in 1976 and launched iTunes in
    # 2003" -> Apple launched
    active_conjunct = False
    for _ in range(6):
        subj = [c for c in tok.children if c.dep_ in SUBJECT_DEPS and c.dep_ != "expl"]
        if subj and tok.dep_ == "relcl" and subj[0].tag_ in ("WP", "WDT") \
                and tok.head.pos_ in ("NOUN", "PROPN"):
            return [tok.head], False     # "Rubio, who met ...": Rubio
        if subj:
            return subj, False
        passive = [c for c in tok.children if c.dep_ in PASSIVE_SUBJECT_DEPS]
        if passive and active_conjunct:
            return passive, False
        agent = _agent_tokens(tok)
        if agent:
            return agent, False
        if passive:
            return passive, True
        if tok.dep_ == "relcl" and tok.head.pos_ in ("NOUN", "PROPN"):
            return [tok.head], False
        if tok.dep_ == "acl" and tok.head.pos_ in ("NOUN", "PROPN") and tok.tag_ in ("VBN", "VBG"):
            # "the plan submitted last week": the noun is the patient;
            # "officials attending the talks": the agent
            return [tok.head], tok.tag_ == "VBN"
        head = tok.head
        if tok.dep_ == "pcomp" and head.pos_ == "ADP" and head.head.i != head.i:
            # a gerund after a preposition: "quoted sources as saying" (the
            # object "as" describes), "drew crowds after being blocked"
            objects = [c for c in head.head.children if c.dep_ == "dobj" and c.pos_ != "PRON"]
            if head.lower_ == "as" and objects and objects[0].i < head.i:
                return objects, False
            if head.head.pos_ in ("NOUN", "PROPN") and head.head.dep_ in ("dobj", "attr") \
                    and head.head.head.pos_ in ("VERB", "AUX"):
                # "expressed frustration over being left out": the clause of the noun
                tok, active_conjunct = head.head.head, False
                continue
            if head.head.pos_ not in ("VERB", "AUX", "ADJ"):
                break
            tok, active_conjunct = head.head, False
            continue
        if head.pos_ == "ADJ" and head.dep_ in ("acomp", "oprd") and tok.dep_ in (
                "xcomp", "ccomp", "prep", "advcl") and head.head.pos_ in ("VERB", "AUX"):
            # "Russia remains eager to look for ...", "ready to engage"
            tok, active_conjunct = head.head, False
            continue
        if head.i == tok.i or head.pos_ not in ("VERB", "AUX"):
            break
        if tok.dep_ == "xcomp":
            objects = [c for c in head.children if c.dep_ == "dobj" and c.pos_ != "PRON"]
            if objects:     # object control: "pressing Kiev to accept" -> Kiev
                return objects, False
        if tok.dep_ == "ccomp" and tok.i != verb.i and any(
                c.dep_ == "expl" for c in tok.children):
            # "said there was nothing new ..., adding that": a participle hung
            # on a clause with no subject but "there" belongs to the one above
            tok, active_conjunct = head, False
            continue
        if tok.dep_ not in ("conj", "xcomp", "advcl", "pcomp") and not (
                tok.dep_ == "acomp" and (tok.pos_ == "ADJ" or tok.tag_ == "VBN")):
            break
        active_conjunct = tok.dep_ == "conj" and tok.tag_ in ("VBD", "VBZ", "VBP") \
            and not any(c.dep_ == "auxpass" for c in tok.children)
        tok = head
    return [], False


def _subject_tokens(trig) -> tuple[list, bool]:
    """The subject tokens of a predicate (coordination not yet expanded) and
    whether they are the patient of a passive (no agent found)."""
    if trig.pos_ == "NOUN":
        for child in trig.children:
            # (not a date: "Monday's talks" has no actor in "Monday")
            if child.dep_ == "poss" and child.pos_ != "PRON" \
                    and child.ent_type_ not in ("DATE", "TIME"):
                return [child], False
        for child in trig.children:
            if child.dep_ == "prep" and child.lower_ == "by":
                objs = [c for c in child.children if c.dep_ == "pobj"]
                if objs:
                    return objs, False
        for child in trig.children:
            if child.dep_ in ("compound", "amod", "nmod") and child.ent_type_ in ACTOR_LABELS:
                return [child], False
        # an event noun in a phrase of a clause ("spoke at a conference"):
        # the clause's subject takes part in it
        verb = None
        if trig.dep_ in ("attr", "dobj") and is_verbal(trig.head):
            verb = trig.head
        elif trig.dep_ == "pobj" and trig.head.dep_ == "prep" and is_verbal(trig.head.head) \
                and trig.head.lower_ not in lexicon().measured_from:
            # (not "arrested two men three days after the attack")
            verb = trig.head.head
        if verb is not None and verb.dep_ not in ("acl", "relcl", "amod"):
            subj, passive = _clause_subject(verb)
            if subj and not passive and not any(s.is_ancestor(trig) for s in subj):
                return subj, False
        return [], False
    if trig.pos_ in ("ADJ", "ADV", "ADP") and is_verbal(trig.head):
        return _clause_subject(trig.head)
    return _clause_subject(trig)


def _with_conjuncts(tokens: list) -> list:
    out = []
    for tok in tokens:
        for t in (tok, *tok.conjuncts):
            if t not in out and t.pos_ in ("PROPN", "NOUN", "PRON"):
                out.append(t)
    return sorted(out, key=lambda t: t.i)


def _strip_titles(words: list[str], person_like: bool) -> list[str]:
    """Drop leading titles ("US President Donald Trump" -> "Donald Trump")
    when they hold a role word, or the name is a person's; a leading "the"
    goes in any case."""
    lex = lexicon()
    i = 0
    has_role = False
    while i < len(words) - 1:
        word = words[i].lower().strip(".,")
        if word in lex.roles:
            has_role = True
        elif word not in lex.title_modifiers and word not in ("-", "–"):
            break
        i += 1
    if i and (has_role or person_like) and words[i][:1].isupper():
        return words[i:]
    if words and words[0].lower() == "the" and len(words) > 1:
        return words[1:]
    return words


def proper_name(tok) -> str:
    """The name a proper-noun token stands for, titles stripped: the token
    and the proper nouns compounded to it ("Dmitry Peskov")."""
    parts = [tok]
    frontier = [tok]
    while frontier:
        cur = frontier.pop()
        for child in cur.children:
            if child.dep_ in ("compound", "flat") and child.pos_ == "PROPN":
                parts.append(child)
                frontier.append(child)
    run = [tok]
    for t in sorted((p for p in parts if p.i < tok.i), key=lambda t: -t.i):
        if t.i == run[0].i - 1 or (t.i == run[0].i - 2 and t.nbor(1).text in ("-", ".")):
            run.insert(0, t)
        else:
            break
    for t in sorted((p for p in parts if p.i > tok.i), key=lambda t: t.i):
        if t.i == run[-1].i + 1:
            run.append(t)
    person_like = any(t.ent_type_ == "PERSON" for t in run)
    kept = _strip_titles([t.text for t in run], person_like)
    return _join(run[len(run) - len(kept):])


def _noun_phrase(tok, limit: int = 8, keep_det: bool = False) -> str:
    """A short noun phrase for a common-noun actor or object."""
    keep = [tok]
    for child in tok.children:
        if child.dep_ in ("amod", "compound", "poss", "nummod", "case", "det", "nmod",
                          "quantmod") and child.i < tok.i:
            keep.extend(child.subtree)
        elif child.dep_ in ("conj", "cc") and child.pos_ in ("NOUN", "PROPN", "CCONJ"):
            keep.extend(child.subtree)
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ == "of" and child.i > tok.i:
            phrase = [t for t in child.subtree if t.dep_ not in ("relcl", "acl", "appos")]
            if len(keep) + len(phrase) <= limit:
                keep.extend(phrase)
    toks = sorted(set(keep), key=lambda t: t.i)
    if toks and not keep_det and toks[0].dep_ == "det" and toks[0].lower_ in ("the", "a", "an"):
        toks = toks[1:]
    return _shorten(toks, limit)


_SPACES = re.compile(r"\s+")
_SPACE_BEFORE = re.compile(r"\s+([,.;:!?’”)])")  # no space before a closing mark
_SPACE_AFTER = re.compile(r"([“‘(])\s+")        # nor after an opening one
_MAY_SPACE_BEFORE = frozenset(",.;:!?’”)")
_MAY_SPACE_AFTER = frozenset("“‘(")


def _join(tokens) -> str:
    """The text of tokens in order, with their own spacing."""
    out = []
    prev = None
    for t in tokens:
        if prev is not None and prev.i + 1 != t.i and out and not out[-1].endswith(" "):
            out.append(" ")
        out.append(t.text_with_ws)
        prev = t
    return _tidy("".join(out))


def _tidy(text: str) -> str:
    """Joined token text with one space between words, none before a
    closing mark or after an opening one, no punctuation or quote marks at
    its ends, and no quote mark left alone."""
    if "  " in text or not text.isprintable():  # else no whitespace run to fold
        text = _SPACES.sub(" ", text)
    text = text.strip()
    if _MAY_SPACE_BEFORE.intersection(text):  # the marks the next two rules act on
        text = _SPACE_BEFORE.sub(r"\1", text)
    if _MAY_SPACE_AFTER.intersection(text):
        text = _SPACE_AFTER.sub(r"\1", text)
    text = text.strip(" ,;:–—-\"“”‘’'`")
    # a quote mark left alone after trimming
    if text.count("“") != text.count("”"):
        text = text.replace("“", "").replace("”", "")
    return text


def _shorten(tokens: list, limit: int) -> str:
    toks = sorted(set(tokens), key=lambda t: t.i)
    # no dangling "and", "for", "the" where a date was left out
    while len(toks) > 1 and toks[-1].pos_ in ("CCONJ", "ADP", "DET", "SCONJ", "PUNCT", "PART"):
        toks.pop()
    if len(toks) <= limit:
        return _join(toks)
    return _join(toks[:limit]) + "…"


class NameIndex:
    """Full names seen in an article, to expand a bare surname ("Rubio" ->
    "Marco Rubio") and to resolve he/she to the last person named.

    Names come from the entities of the parsed sentences and, since most
    sentences are not parsed, from runs of capitalised words in the text.
    """

    _NAME = re.compile(r"(?<![\w’'])(?:(?:[A-Z][\w’'\-]+|[A-Z]\.) ){1,4}[A-Z][\w’'\-]+")

    def __init__(self, article: Article):
        lex = lexicon()
        self.full: dict[str, Counter] = defaultdict(Counter)   # last word -> names
        persons: list[tuple[int, str]] = []                    # (offset, name)
        not_persons: set[str] = set()
        for sent in article.sentences:
            if sent.doc is None:
                continue
            for ent in sent.doc.ents:
                if ent.label_ not in ACTOR_LABELS:
                    continue
                words = _strip_titles(ent.text.split(), ent.label_ == "PERSON")
                name = " ".join(words)
                if ent.label_ == "PERSON":
                    persons.append((sent.start + ent.start_char, name))
                else:
                    not_persons.add(name)
                if len(words) >= 2:
                    self.full[words[-1]][name] += 2
        common = {w for w in re.findall(r"\b[a-z][\w’'\-]*", article.text)}
        for match in self._NAME.finditer(article.text):
            words = match.group(0).split()
            while words and words[0].lower() in common:   # "After Russia"
                words = words[1:]
            words = _strip_titles(words, True)
            if len(words) < 2 or words[0].lower() in lex.roles | lex.title_modifiers:
                continue
            name = " ".join(words)
            self.full[words[-1]][name] += 1
            if name not in not_persons and not any(
                    w.lower() in lex.organisation_words for w in words):
                persons.append((match.start() + match.group(0).index(words[0]), name))
        self.persons = sorted(set(persons))
        self.not_persons = not_persons

    def expand(self, name: str) -> str:
        """The fullest name of the article ending with ``name``'s last word."""
        if " " in name or name not in self.full:
            return name
        candidates = self.full[name]
        best = max(candidates.items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))
        return best[0]

    def person_before(self, offset: int) -> Optional[str]:
        """The last person named before article offset ``offset`` (a full
        name: a lone word the article never completes is not trusted)."""
        pos = bisect_left(self.persons, (offset, ""))
        while pos > 0:
            name = self.expand(self.persons[pos - 1][1])
            words = name.split()
            if len(words) >= 2 and all(w[:1].isupper() for w in words[-1:]) \
                    and name not in self.not_persons:
                return name
            pos -= 1
        return None


def actor_names(tokens: list, names: NameIndex, sent: Sentence) -> list[str]:
    """Readable full names of actor tokens (he/she resolved, other pronouns
    dropped).  When ``names`` resolves references (a
    :class:`timeline.events.coref.Coreference`), a token that names an
    entity or refers to one ("it", "the company", "the IAEA") gives that
    entity's canonical name."""
    lex = lexicon()
    out = []
    resolve = getattr(names, "resolve", None)
    for tok in tokens:
        if resolve is not None:
            entity = _entity_of_phrase(tok, sent, resolve)
            if entity:
                if entity not in out:
                    out.append(entity)
                continue
        if tok.pos_ == "PRON" or tok.lower_ in lex.other_pronouns:
            if tok.lower_ in lex.person_pronouns:
                person = names.person_before(sent.start + tok.idx)
                if person and person not in out:
                    out.append(person)
            continue
        if tok.pos_ == "PROPN":
            name = names.expand(proper_name(tok))
        else:
            name = _noun_phrase(tok, limit=10)
        if name and name not in out:
            out.append(name)
    return out


def _entity_of_phrase(tok, sent: Sentence, resolve) -> Optional[str]:
    """The entity a noun phrase headed by ``tok`` names: the head's own
    (a name, a pronoun, a description), or that of a name compounded to it
    ("the Apple Corps" -> its entity)."""
    entity = resolve(tok, sent)
    if entity:
        return entity
    if tok.pos_ == "PROPN":
        for child in tok.children:
            if child.dep_ in ("compound", "flat") and child.pos_ == "PROPN":
                entity = resolve(child, sent)
                if entity:
                    return entity
    return None


# --- objects and summaries ------------------------------------------------------------

_CUT_DEPS = frozenset({"relcl", "advcl", "parataxis", "appos", "acl", "punct", "cc", "conj",
                       "mark", "intj", "meta", "dep", "npadvmod", "advmod", "nsubj",
                       "nsubjpass", "csubj", "expl", "preconj"})


def _phrase_tokens(tok, skip: set, top: bool = True) -> list:
    """``tok`` and its dependants, leaving out ``skip`` subtrees, subjects
    and side clauses (coordinated nouns and "that" of a clause are kept)."""
    out = [tok]
    noun = tok.pos_ in ("NOUN", "PROPN", "PRON", "NUM", "ADJ")
    for child in tok.children:
        if child.i in skip:
            continue
        keep = child.dep_ not in _CUT_DEPS \
            or (noun and child.dep_ in ("conj", "cc") and not top) \
            or (child.dep_ == "npadvmod" and child.ent_type_ not in ("DATE", "TIME")) \
            or (child.dep_ == "mark" and child.lower_ == "that") \
            or (child.dep_ in ("nsubj", "nsubjpass", "csubj", "expl") and not top) \
            or (child.dep_ == "punct" and child.text in ("“", "”", "‘", "’", "-"))
        if keep:
            out.extend(_phrase_tokens(child, skip, top=False))
    return out


def _timex_skip(span) -> set:
    """Token indices to leave out of phrases: the date, its preposition,
    and "ago"."""
    if span is None:
        return set()
    skip = set(range(span.start, span.end))
    root = span.root
    head = root.head
    if root.dep_ == "pobj" and head.pos_ == "ADP":
        skip.add(head.i)
        # "In its article on Wednesday": a phrase with nothing else left
        noun = head.head
        if head.dep_ == "prep" and noun.pos_ == "NOUN" and noun.lower_ in lexicon().not_events \
                and noun.dep_ == "pobj" and not any(
                    t.i not in skip and t.i != noun.i and t.dep_ not in ("det", "poss", "case")
                    for t in noun.subtree):
            skip.update(t.i for t in noun.subtree)
            skip.add(noun.head.i)
    if head.lower_ == "ago":
        skip.add(head.i)
    return skip


def _temporal_phrase(prep) -> bool:
    """Whether a prepositional phrase only places its head in time ("on
    August 24", "in the fall of 2011"): its object is a date or time the
    entity recogniser marked.  Such a phrase is no object."""
    objs = [c for c in prep.children if c.dep_ == "pobj"]
    return bool(objs) and all(o.ent_type_ in ("DATE", "TIME") for o in objs)


def object_of(trig, span=None) -> str:
    """The object of a predicate: its direct object, else its complement
    ("receiving the document"), else its first prepositional object, else
    (for a reporting verb) the reported clause; for a noun, what it is "of"."""
    skip = _timex_skip(span)
    lex = lexicon()
    children = [c for c in trig.children if c.i not in skip
                and not (c.dep_ == "prep" and _temporal_phrase(c))]
    if trig.pos_ == "NOUN":
        for child in children:
            if child.dep_ == "prep" and child.lower_ in ("of", "on", "to", "with", "against",
                                                         "for"):
                objs = [c for c in child.children if c.dep_ == "pobj" and c.i not in skip]
                if objs:
                    return _noun_phrase(objs[0])
        return ""
    if trig.pos_ != "VERB" and is_verbal(trig.head):
        trig = trig.head
        children = [c for c in trig.children if c.i not in skip
                    and not (c.dep_ == "prep" and _temporal_phrase(c))]
    for dep in ("dobj", "attr", "oprd"):
        for child in children:
            if child.dep_ == dep and child.lower_ not in lex.other_pronouns:
                return _shorten(_phrase_tokens(child, skip, top=False), 10)
    for child in children:
        if child.dep_ == "xcomp" and child.pos_ in ("VERB", "AUX"):
            return _shorten(_phrase_tokens(child, skip, top=False), 10)
    if trig.lemma_.lower() in lex.reporting:
        # what was said, before any phrase the parser hung on the verb
        for child in children:
            if child.dep_ == "ccomp":
                return _shorten([t for t in _phrase_tokens(child, skip, top=False)
                                 if t.dep_ != "mark"], 10)
    for child in children:
        if child.dep_ == "prep" and child.lower_ not in lex.side_prepositions:
            objs = [c for c in child.children if c.dep_ == "pobj" and c.i not in skip]
            if objs:
                return _noun_phrase(objs[0])
    for child in children:
        if child.dep_ in PASSIVE_SUBJECT_DEPS and child.lower_ not in lex.other_pronouns:
            return _noun_phrase(child)
    return ""

def sentence_entities(doc) -> list[str]:
    """The named entities of a parsed sentence, each once, in order, titles
    stripped from names ("Army Dan Driscoll" -> "Dan Driscoll")."""
    out = []
    for ent in doc.ents:
        if ent.label_ not in NAMED_LABELS:
            continue
        text = " ".join(_strip_titles(ent.text.split(), ent.label_ == "PERSON"))
        if text and text not in out:
            out.append(text)
    return out
