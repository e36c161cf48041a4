"""Property tests (hypothesis): arbitrary input never crashes the loader or the
tagger, and what comes out is always consistent (offsets inside the text,
intervals in order)."""

import csv
import io
import json
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from timeline import corpus
from timeline.article import Article
from timeline.corpus import DuplicateIndex, Reject

FAST = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# printable text of one line: no line ends, no control characters (those make a
# file "binary"), no surrogates (not encodable)
LINE = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\n\r")
               | st.sampled_from(" \t"), max_size=30)
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=120)
ISO_DATES = st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 12, 31)).map(date.isoformat)
DATE_VALUES = st.one_of(ISO_DATES, st.just(""), st.sampled_from(
    ["2025-13-45", "2025-02-30", "yesterday", "2025-11-21T10:00:00+02:00", "0000-00-00"]),
    ANY_TEXT.filter(lambda s: "\n" not in s and "\r" not in s))
LINE_NUMBERS = st.one_of(st.integers(-2, 25).map(str), st.just(""), st.sampled_from(["abc", "1.5"]))


def items_of(path, **kw):
    items = list(corpus.iter_corpus(path, **kw))
    assert all(isinstance(i, (Article, Reject)) for i in items)
    for item in items:
        if isinstance(item, Reject):
            assert item.reason and item.action and "\n" not in item.reason
    articles = [i for i in items if isinstance(i, Article)]
    assert len({a.doc_id for a in articles}) == len(articles)
    for a in articles:
        assert isinstance(a.text, str) and a.text.strip()
        assert a.published is None or isinstance(a.published, date)
    return articles, [i for i in items if isinstance(i, Reject)]


def file_lines(lines: list[str], final_newline: bool) -> tuple[str, list[str]]:
    content = "\n".join(lines) + ("\n" if final_newline and lines else "")
    return content, (content.split("\n")[:-1] if content.endswith("\n") else content.split("\n"))


@FAST
@given(files=st.lists(st.tuples(st.lists(LINE, max_size=15), st.booleans()), min_size=1,
                      max_size=3),
       rows=st.lists(st.tuples(st.integers(0, 4), LINE_NUMBERS, LINE_NUMBERS, DATE_VALUES,
                               LINE), max_size=8))
def test_manifest_folders(files, rows):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        contents = {}
        for n, (lines, final_newline) in enumerate(files):
            content, split_lines = file_lines(lines, final_newline)
            (root / f"f{n}.txt").write_bytes(content.encode("utf-8"))
            contents[f"f{n}.txt"] = split_lines
        names = list(contents) + ["missing.txt", "../escape.txt"]
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["doc_id", "file", "start_line", "end_line", "published", "title"])
        table = []
        for i, (f, start, end, published, title) in enumerate(rows):
            row = [f"r{i}", names[f % len(names)], start, end, published, title]
            writer.writerow(row)
            table.append(row)
        (root / "manifest.csv").write_text(buffer.getvalue(), encoding="utf-8")
        articles, rejects = items_of(root)
    found = {a.doc_id: a for a in articles}
    named = {r.doc_id for r in rejects} | set(found)
    for doc_id, file, start, end, published, title in table:
        assert doc_id in named  # every row gets an answer
        lines = contents.get(file)
        valid = (lines is not None and (start == "" or start.isdigit())
                 and (end == "" or end.isdigit()))
        if valid:  # empty start_line: from line 1; empty end_line: to the end
            s, e = int(start) if start else 1, int(end) if end else len(lines)
            valid = 1 <= s <= e <= len(lines) and "\n".join(lines[s - 1:e]).strip() != "" \
                and "".join(lines).strip() != ""
        if not valid:
            assert doc_id not in found
            continue
        article = found[doc_id]
        assert article.text == "\n".join(lines[s - 1:e])
        assert article.title == title.strip()
        parsed, problem = corpus.parse_published(published)
        assert article.published == parsed
        if published and not problem and len(published) == 10:
            assert article.published == date.fromisoformat(published)
        if problem:
            assert any(r.doc_id == doc_id and r.action == "kept without a date" for r in rejects)
    # whole-file articles for files no row names
    named_files = {row[1] for row in table}
    for file, lines in contents.items():
        if file not in named_files and "\n".join(lines).strip():
            assert found[Path(file).stem].text == "\n".join(lines)


RECORD = st.fixed_dictionaries(
    {}, optional={"id": st.one_of(LINE, st.integers(), st.none()),
                  "text": st.one_of(ANY_TEXT, st.integers(), st.none(), st.lists(LINE, max_size=2)),
                  "published": st.one_of(DATE_VALUES, st.integers(), st.none()),
                  "title": st.one_of(LINE, st.none()), "source": LINE, "url": LINE})
JSONL_LINE = st.one_of(RECORD.map(json.dumps), RECORD.map(lambda r: json.dumps(r)[:-1]),
                       LINE, st.just(""), st.just("[1, 2]"))


@FAST
@given(lines=st.lists(JSONL_LINE, max_size=10), max_chars=st.integers(5, 200))
def test_jsonl_lines(lines, max_chars):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        articles, rejects = items_of(path, max_chars=max_chars)
    texts = [a.text for a in articles]
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        text = record.get("text") if isinstance(record, dict) else None
        if isinstance(text, str) and text.strip():
            expected = text.replace("\r\n", "\n")
            if len(expected) <= max_chars:
                assert expected in texts
            else:
                assert any(expected.startswith(t) and len(t) <= max_chars for t in texts)
        else:
            assert any(r.reason.startswith(f"line {number}:") for r in rejects)
    assert all(len(t) <= max_chars for t in texts)


CELL_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\r\t\""),
                    max_size=80)


@FAST
@given(rows=st.lists(st.tuples(LINE, CELL_TEXT, DATE_VALUES), max_size=8))
def test_csv_rows(rows):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "text", "published"])
            writer.writerows(rows)
        articles, rejects = items_of(path)
    texts = [a.text for a in articles]
    for doc_id, text, published in rows:
        if text.strip():
            assert text.replace("\r\n", "\n") in texts


@FAST
@given(text=ANY_TEXT.filter(lambda t: t.strip()), max_chars=st.integers(1, 60))
def test_truncation_keeps_a_prefix(text, max_chars):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.jsonl"
        path.write_text(json.dumps({"id": "a", "text": text}) + "\n", encoding="utf-8")
        articles, rejects = items_of(path, max_chars=max_chars)
    expected = text.replace("\r\n", "\n")
    if len(expected) <= max_chars:
        assert [a.text for a in articles] == [expected]
    else:
        assert len(articles) <= 1
        assert any(r.action.startswith("truncated") or r.action == "skipped" for r in rejects)
        for a in articles:
            assert len(a.text) <= max_chars and expected.startswith(a.text)


@FAST
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_in_every_kind_of_file(data):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name in ("a.txt", "b.jsonl", "c.csv", "d.rss", "e.tml"):
            (root / name).write_bytes(data)
        items_of(root)
        (root / "manifest.csv").write_bytes(data)
        items_of(root)


@FAST
@given(texts=st.lists(ANY_TEXT, min_size=1, max_size=6))
def test_an_exact_copy_is_always_a_duplicate(texts):
    index = DuplicateIndex()
    originals = {}
    for i, text in enumerate(texts):
        found = index.check(Article(f"d{i}", text))
        assert found == "" or found in originals.values() or found.startswith("d")
        if not found:
            originals[i] = f"d{i}"
    for i, text in enumerate(texts):
        assert index.check(Article(f"copy{i}", text)) != ""


# --- the tagger --------------------------------------------------------------------------------

temporal = pytest.importorskip("timeline.temporal")

WORDS = ["on", "Thursday", "last", "next", "week", "month", "year", "ago", "since", "the",
         "1990s", "2025", "1998", "21", "November", "Nov.", "3", "three", "days", "years",
         "early", "late", "mid-", "spring", "Q3", "12:30", "p.m.", "today", "yesterday",
         "tomorrow", "Monday", "Feb", "29", "every", "weekend", "this", "that", "morning",
         "decade", "century", "19th", "from", "to", "until", "-", "–", ",", ".", "\n",
         "said", "will", "met", "Christmas", "Eve", "fiscal", "quarter", "hours", "now"]
DATEISH = st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join)
TAG_TEXT = st.one_of(DATEISH, ANY_TEXT, st.tuples(ANY_TEXT, DATEISH).map("".join))
PUBLISHED = st.one_of(st.none(), st.dates(min_value=date(1000, 1, 1), max_value=date(2999, 12, 31)))


def check_mentions(text: str, article: Article, published) -> None:
    for m in article.mentions:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.text
        assert m.type in {"DATE", "TIME", "DURATION", "SET"}
        if m.date_start is not None and m.date_end is not None:
            assert m.date_start <= m.date_end
        if published is None:
            assert m.anchor != "publication"  # no clock: nothing to anchor on


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TAG_TEXT, published=PUBLISHED)
def test_tagger_without_a_parse(text, published):
    """find and resolve alone (no spaCy parse): fast, so many examples."""
    from timeline import sentences

    article = Article(doc_id="p", text=text, published=published)
    sentences.split(article)
    temporal.find(article)
    temporal.resolve(article)
    check_mentions(text, article, published)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TAG_TEXT, published=PUBLISHED)
def test_tag_with_the_model(nlp, text, published):
    article = temporal.tag(text, published, nlp=nlp)
    assert article.text == text
    check_mentions(text, article, published)


# --- the shortcuts of the text tidying of participants and summaries ----------------------

TIDY_TEXT = st.text(st.characters(blacklist_categories=("Cs",))
                    | st.sampled_from(list(" \n\t\xa0\u2009,.;:!?’”)“‘(\"'-")), max_size=40)


def _tidy_by_rules(text: str) -> str:
    import re

    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.;:!?’”)])", r"\1", text)
    text = re.sub(r"([“‘(])\s+", r"\1", text)
    text = text.strip(" ,;:–—-\"“”‘’'`")
    if text.count("“") != text.count("”"):
        text = text.replace("“", "").replace("”", "")
    return text


@FAST
@given(TIDY_TEXT)
def test_tidying_skips_a_rule_only_where_it_would_change_nothing(text):
    from timeline.events.participants import _tidy

    assert _tidy(text) == _tidy_by_rules(text)


@FAST
@given(st.text(st.sampled_from(list("ab_1 é,.")), max_size=20),
       st.text(st.sampled_from(list("ab_1 é")), min_size=1, max_size=3))
def test_a_phrase_is_found_where_it_starts_a_word_as_the_regex_finds_it(text, part):
    import re

    from timeline.events.summaries import _word_start

    found = re.search(r"(?<!\w)" + re.escape(part), text)
    assert _word_start(text, part) == (found.start() if found else -1)
