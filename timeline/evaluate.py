"""Measure the pipeline on gold TimeML (TempEval-3).

Three measures:

* :func:`task_a` – temporal expressions, TempEval-3 Task A: strict and
  relaxed precision/recall/F1, value F1 and type F1; with ``events`` also
  event detection, TempEval-3 Task B (see :class:`EventCounts`): precision,
  recall and F1 of overlapping extents matched one to one, and class F1,
  beside the baseline "every spaCy VERB is an OCCURRENCE", for the whole set
  and per part (the first folder under a gold path: TimeBank, AQUAINT).
* :func:`anchoring` – events: for each gold DATE/TIME TIMEX3 linked by a
  TLINK to events of its own sentence, is the predicate our events stage
  picks one of those events?  Reported beside the "nearest verb" baseline.
"""

from __future__ import annotations

# SECTION task_a (owned by the temporal-expressions work) ---------------------


def match_timexes(gold: list, system: list) -> tuple[int, list[tuple[int, int]]]:
    """Match system to gold TIMEX3 tags (``timeml.Tag`` lists) of one document.

    Returns the number of strict matches (identical character spans) and the
    relaxed one-to-one pairs ``(gold index, system index)``: identical spans
    first, then, gold tag by gold tag, the unmatched overlapping system tag
    with the largest overlap.
    """
    spans = {(t.start, t.end): j for j, t in enumerate(system)}
    pairs: list[tuple[int, int]] = []
    used_sys: set[int] = set()
    used_gold: set[int] = set()
    for i, t in enumerate(gold):
        j = spans.get((t.start, t.end))
        if j is not None and j not in used_sys:
            pairs.append((i, j))
            used_sys.add(j)
            used_gold.add(i)
    strict = len(pairs)
    for i, t in enumerate(gold):
        if i in used_gold:
            continue
        best, best_overlap = None, 0
        for j, s in enumerate(system):
            overlap = min(t.end, s.end) - max(t.start, s.start)
            if j not in used_sys and overlap > best_overlap:
                best, best_overlap = j, overlap
        if best is not None:
            pairs.append((i, best))
            used_sys.add(best)
            used_gold.add(i)
    return strict, pairs


def system_tags(article) -> list:
    """The resolved mentions of an article as TIMEX3 ``timeml.Tag`` s."""
    from .timeml import Tag

    tags = []
    for k, m in enumerate(article.mentions):
        attrs = {"tid": f"t{k + 1}", "type": m.type, "value": m.value}
        if m.mod:
            attrs["mod"] = m.mod
        tags.append(Tag("TIMEX3", m.start, m.end, attrs))
    return tags


def tag_documents(docs: list, nlp=None, events: bool = False) -> list:
    """Run the pipeline's temporal stages (split -> find -> parse -> resolve)
    on the raw text of gold TimeML documents, with ``<DCT>`` as the
    publication date.  With ``events``, the other sentences are tagged and
    the events stages follow, as in the pipeline (``events.anchor``, then
    ``events.detect.find_events``).  Returns one Article per document."""
    from . import nlp as nlp_mod
    from . import sentences, temporal
    from .article import Article

    articles = []
    for doc in docs:
        article = Article(doc_id=doc.name, text=doc.text, published=doc.dct)
        sentences.split(article)
        temporal.find(article, mark_parse=not events)
        if events:  # as in the pipeline: every sentence parsed for its event mentions
            for sent in article.sentences:
                sent.needs_parse = True
        articles.append(article)
    if nlp is None:
        try:
            nlp = nlp_mod.load()
        except nlp_mod.ModelNotFound:
            nlp = None              # tense from lexical cues only
    if nlp is not None:
        nlp_mod.parse(articles, nlp, tag_rest=events)
    for article in articles:
        temporal.resolve(article)
        if events and nlp is not None:
            from .events import anchor, detect
            anchor(article)
            detect.find_events(article)
    return articles


def _prf(matched: int, n_system: int, n_gold: int) -> tuple[float, float, float]:
    p = matched / n_system if n_system else 0.0
    r = matched / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _parts_of(gold_paths) -> dict:
    """.tml path -> the part of the gold data it belongs to: the first
    folder under the gold path given ("TimeBank" under TBAQ-cleaned/), else
    that path's own name."""
    from pathlib import Path

    from . import timeml

    parts = {}
    for root in map(Path, gold_paths):
        for path in timeml.find_files([root]):
            rel = path.relative_to(root) if root.is_dir() else Path(path.name)
            parts.setdefault(path, rel.parts[0] if len(rel.parts) > 1 else root.stem)
    return parts


def task_a(gold_paths, system_out, nlp=None, events: bool = False) -> dict:
    """Tag every .tml under ``gold_paths``, write system TimeML into
    ``system_out`` and return the Task A figures as a dict.

    Figures are percentages (0-100, two decimals): strict and relaxed
    precision/recall/F1; ``value_accuracy``/``type_accuracy`` over the
    relaxed matches; ``value_f1``/``type_f1`` = relaxed F1 x that accuracy
    (TempEval-3 attribute F1).  Counts: n_gold, n_system, n_files.

    With ``events``, the system TimeML also carries an ``<EVENT eid class>``
    tag for every event mention found, and the dict the Task B figures
    (:class:`EventCounts`): ``events_`` (ours) and ``events_baseline_``
    (every spaCy VERB an OCCURRENCE) for the whole set, and
    ``events_by_part`` (part name -> the same figures) per part.
    """
    from pathlib import Path

    from . import timeml

    paths = list(timeml.find_files(list(gold_paths)))
    if not paths:
        raise ValueError(f"no .tml files under {', '.join(map(str, gold_paths))}")
    out = Path(system_out)
    out.mkdir(parents=True, exist_ok=True)
    docs = []
    for path in paths:
        try:
            docs.append(timeml.read(path))
        except Exception as exc:   # malformed XML: say which file, stop
            raise ValueError(f"cannot read {path}: {exc}") from None
    articles = tag_documents(docs, nlp, events=events)
    parts = _parts_of(gold_paths)
    ours: dict = {}
    baseline: dict = {}
    n_gold = n_system = strict = relaxed = value_ok = type_ok = 0
    for path, doc, article in zip(paths, docs, articles):
        system = system_tags(article)
        event_tags = system_event_tags(article) if events else []
        timeml.write(out / doc.name, doc, system, event_tags)
        if events:
            for key in ("", parts.get(path, "")):
                ours.setdefault(key, EventCounts()).add(doc.events, event_tags)
                baseline.setdefault(key, EventCounts()).add(doc.events,
                                                            verb_baseline_tags(article))
        n_strict, pairs = match_timexes(doc.timexes, system)
        n_gold += len(doc.timexes)
        n_system += len(system)
        strict += n_strict
        relaxed += len(pairs)
        for i, j in pairs:
            g, s = doc.timexes[i].attrs, system[j].attrs
            value_ok += g.get("value", "") == s.get("value", "")
            type_ok += g.get("type", "") == s.get("type", "")
    sp, sr, sf = _prf(strict, n_system, n_gold)
    rp, rr, rf = _prf(relaxed, n_system, n_gold)
    value_acc = value_ok / relaxed if relaxed else 0.0
    type_acc = type_ok / relaxed if relaxed else 0.0
    pct = lambda x: round(100 * x, 2)  # noqa: E731
    results = {
        "strict_p": pct(sp), "strict_r": pct(sr), "strict_f1": pct(sf),
        "relaxed_p": pct(rp), "relaxed_r": pct(rr), "relaxed_f1": pct(rf),
        "value_f1": pct(rf * value_acc), "type_f1": pct(rf * type_acc),
        "value_accuracy": pct(value_acc), "type_accuracy": pct(type_acc),
        "n_gold": n_gold, "n_system": n_system, "n_files": len(docs),
    }
    if events:
        results.update(ours[""].figures("events_"))
        results.update(baseline[""].figures("events_baseline_"))
        results["events_by_part"] = {
            key: {**ours[key].figures(), **baseline[key].figures("baseline_"),
                  "n_files": sum(1 for p in paths if parts.get(p, "") == key)}
            for key in sorted(k for k in ours if k)}
    return results


def format_report(results: dict) -> str:
    """The figures of :func:`task_a` (and of ``anchoring`` when present) as a
    small aligned plain-text table."""
    def num(key):
        value = results.get(key)
        return f"{value:6.2f}" if isinstance(value, (int, float)) else "     -"

    lines = []
    if "strict_f1" in results:
        lines += [
            f"Task A: temporal expressions ({results.get('n_files', 0)} files, "
            f"{results.get('n_gold', 0)} gold, {results.get('n_system', 0)} system)",
            f"  {'':<10}{'P':>8}{'R':>8}{'F1':>8}",
            f"  {'strict':<10}{num('strict_p'):>8}{num('strict_r'):>8}{num('strict_f1'):>8}",
            f"  {'relaxed':<10}{num('relaxed_p'):>8}{num('relaxed_r'):>8}{num('relaxed_f1'):>8}",
            f"  {'':<10}{'accuracy':>10}{'F1':>8}",
            f"  {'value':<10}{num('value_accuracy'):>10}{num('value_f1'):>8}",
            f"  {'type':<10}{num('type_accuracy'):>10}{num('type_f1'):>8}",
        ]
    if "events_f1" in results:
        def row(name: str, fig: dict, prefix: str) -> str:
            def n(key):
                value = fig.get(prefix + key)
                return f"{value:6.2f}" if isinstance(value, (int, float)) else "     -"
            return (f"  {name:<22}{n('p'):>8}{n('r'):>8}{n('f1'):>8}"
                    f"{n('class_accuracy'):>10}{n('class_f1'):>10}")
        lines += [
            f"Task B: events ({results.get('events_n_gold', 0)} gold, "
            f"{results.get('events_n_system', 0)} system)",
            f"  {'':<22}{'P':>8}{'R':>8}{'F1':>8}{'class acc':>10}{'class F1':>10}",
            row("ours", results, "events_"),
            row("every VERB", results, "events_baseline_"),
        ]
        for part, fig in results.get("events_by_part", {}).items():
            lines += [row(f"{part} ours", fig, ""), row(f"{part} every VERB", fig, "baseline_")]
    if "accuracy" in results or "baseline_accuracy" in results:
        lines += [
            f"Event anchoring ({results.get('n', 0)} gold time-event links)",
            f"  {'ours':<20}{num('accuracy'):>8}",
            f"  {'nearest verb':<20}{num('baseline_accuracy'):>8}",
        ]
    return "\n".join(lines) if lines else "no figures"


# SECTION anchoring (owned by the events work) --------------------------------


def _linked_events(doc) -> dict:
    """Gold TIMEX3 id -> ids of the EVENTs a TLINK ties it to."""
    links: dict = {}
    for link in doc.tlinks:
        tid = link.get("timeID") or link.get("relatedToTime")
        eiid = link.get("eventInstanceID") or link.get("relatedToEventInstance")
        if not tid or not eiid or (link.get("timeID") and link.get("relatedToTime")):
            continue
        eid = doc.instances.get(eiid, eiid if eiid.startswith("e") and eiid[1:2].isdigit()
                                else None)
        if eid:
            links.setdefault(tid, set()).add(eid)
    return links


def anchoring_cases(doc):
    """An Article of a gold TimeML document with a Mention at each gold
    DATE/TIME TIMEX3 linked to events of its own sentence, and for each such
    mention (by its index) the (start, end) spans of those events."""
    from . import sentences
    from .article import Article, Mention

    article = sentences.split(Article(doc_id=doc.name, text=doc.text, published=doc.dct))
    events_by_id = {tag.attrs.get("eid"): tag for tag in doc.events}
    links = _linked_events(doc)
    cases = []
    for timex in doc.timexes:
        kind = timex.attrs.get("type")
        if kind not in ("DATE", "TIME") or timex.attrs.get("tid") not in links:
            continue
        sent = article.sentence_of(timex.start)
        if sent is None or timex.end > sent.end:
            continue
        spans = [(ev.start, ev.end) for eid in links[timex.attrs["tid"]]
                 if (ev := events_by_id.get(eid)) is not None
                 and sent.start <= ev.start and ev.end <= sent.end]
        if not spans:
            continue
        sent.needs_parse = True
        article.mentions.append(Mention(
            start=timex.start, end=timex.end, text=doc.text[timex.start:timex.end],
            type=kind, value=timex.attrs.get("value", ""), sentence=sent.index, rule="gold"))
        cases.append(spans)
    return article, cases


def _overlaps(start: int, end: int, spans) -> bool:
    return any(start < e and s < end for s, e in spans)


def anchoring_details(gold_paths, nlp=None) -> list[dict]:
    """One row per evaluated gold TIMEX3: file, timex, gold events, our
    trigger, the baseline's verb, and whether each is right."""
    from . import events, timeml
    from . import nlp as nlp_mod

    if nlp is None or isinstance(nlp, str):
        nlp = nlp_mod.load(nlp)
    prepared = []
    for path in timeml.find_files(gold_paths):
        doc = timeml.read(path)
        article, cases = anchoring_cases(doc)
        prepared.append((doc, article, cases))
    nlp_mod.parse([article for _, article, _ in prepared], nlp)
    rows = []
    for doc, article, cases in prepared:
        # anchor() keeps the mentions sorted: pair each with its case first
        paired = list(zip(article.mentions, cases))
        events.anchor(article)
        for mention, spans in paired:
            sent = article.sentences[mention.sentence]
            span = events.span_tokens(sent.doc, mention.start - sent.start,
                                       mention.end - sent.start)
            verb = events.nearest_verb(sent.doc, span) if span is not None else None
            v_start = sent.start + verb.idx if verb is not None else -1
            v_end = v_start + len(verb.text) if verb is not None else -1
            rows.append({
                "file": doc.name, "timex": mention.text, "sentence":
                    article.text[sent.start:sent.end],
                "gold": [doc.text[s:e] for s, e in spans],
                "trigger": article.text[mention.trigger_start:mention.trigger_end]
                if mention.trigger_start >= 0 else "",
                "baseline": verb.text if verb is not None else "",
                "correct": mention.trigger_start >= 0
                and _overlaps(mention.trigger_start, mention.trigger_end, spans),
                "baseline_correct": verb is not None and _overlaps(v_start, v_end, spans),
            })
    return rows


def anchoring(gold_paths, nlp=None) -> dict:
    """Accuracy of event anchoring on gold TLINKs, beside the nearest-verb baseline.

    For each gold DATE/TIME TIMEX3 of the .tml files under ``gold_paths``
    that a TLINK ties to EVENTs of its own sentence, a mention is made at the
    gold span, the sentence parsed and :func:`timeline.events.anchor` run:
    it is right when its trigger overlaps one of those events.  The
    baseline takes the VERB token nearest to the expression.  Accuracies are
    percentages (like :func:`task_a`'s figures); ``n`` counts the evaluated
    expressions.
    """
    from . import timeml

    rows = anchoring_details(gold_paths, nlp)
    n = len(rows)

    def pct(key: str) -> float:
        return round(100 * sum(r[key] for r in rows) / n, 2) if n else 0.0
    return {
        "accuracy": pct("correct"),
        "baseline_accuracy": pct("baseline_correct"),
        "n": n,
        "n_files": len(list(timeml.find_files(gold_paths))),
    }
# SECTION task_b (event detection, owned by the event-detection work) ---------


def system_event_tags(article) -> list:
    """The event mentions of an article as EVENT ``timeml.Tag`` s (eid e1,
    e2 ... in text order, with their TimeML class).  A TimeML EVENT's extent
    is the head word: a phrasal verb's mention ("showed off") is tagged on
    its verb only, as TimeBank tags it."""
    from .timeml import Tag

    def head_end(e) -> int:
        space = e.text.find(" ")
        return e.start + space if space > 0 else e.end

    return [Tag("EVENT", e.start, head_end(e), {"eid": f"e{k + 1}", "class": e.event_class})
            for k, e in enumerate(article.event_mentions)]


def verb_baseline_tags(article) -> list:
    """The baseline of Task B: every spaCy VERB of the article's sentences
    (parsed or tagged only: the tags are the same) is an OCCURRENCE event."""
    from .timeml import Tag

    tags = []
    for sent in article.sentences:
        doc = sent.doc if sent.doc is not None else sent.tags
        if doc is None:
            continue
        for tok in doc:
            if tok.pos_ == "VERB":
                start = sent.start + tok.idx
                tags.append(Tag("EVENT", start, start + len(tok.text),
                                {"eid": f"e{len(tags) + 1}", "class": "OCCURRENCE"}))
    return tags


class EventCounts:
    """Counts of Task B over some documents: gold and system events,
    strict (identical spans) and relaxed (overlapping, one to one) matches,
    and relaxed matches with the same class."""

    def __init__(self) -> None:
        self.n_gold = self.n_system = self.strict = self.relaxed = self.class_ok = 0

    def add(self, gold: list, system: list) -> None:
        n_strict, pairs = match_timexes(gold, system)
        self.n_gold += len(gold)
        self.n_system += len(system)
        self.strict += n_strict
        self.relaxed += len(pairs)
        self.class_ok += sum(gold[i].attrs.get("class", "") == system[j].attrs.get("class", "")
                             for i, j in pairs)

    def figures(self, prefix: str = "") -> dict:
        """Percentages: precision, recall and F1 of the relaxed matches,
        strict F1, class accuracy over the relaxed matches and class F1 =
        relaxed F1 x class accuracy; with the counts."""
        p, r, f = _prf(self.relaxed, self.n_system, self.n_gold)
        _, _, sf = _prf(self.strict, self.n_system, self.n_gold)
        acc = self.class_ok / self.relaxed if self.relaxed else 0.0
        pct = lambda x: round(100 * x, 2)  # noqa: E731
        return {f"{prefix}p": pct(p), f"{prefix}r": pct(r), f"{prefix}f1": pct(f),
                f"{prefix}strict_f1": pct(sf), f"{prefix}class_accuracy": pct(acc),
                f"{prefix}class_f1": pct(f * acc), f"{prefix}n_gold": self.n_gold,
                f"{prefix}n_system": self.n_system}
