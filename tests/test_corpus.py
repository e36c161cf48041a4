"""Loading a corpus: every kind of input, and a clear answer for every bad one."""

import csv
import json
import os
from datetime import date
from pathlib import Path

import pytest

from timeline import corpus
from timeline.article import Article
from timeline.corpus import CorpusError, DuplicateIndex, Reject
from conftest import SEEDS, SILVER

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BAD = FIXTURES / "bad_corpus"


def split(items):
    articles = [i for i in items if isinstance(i, Article)]
    rejects = [i for i in items if isinstance(i, Reject)]
    assert len(articles) + len(rejects) == len(items)
    return articles, rejects


def by_id(articles):
    return {a.doc_id: a for a in articles}


def reject_for(rejects, doc_id, words):
    found = [r for r in rejects if r.doc_id == doc_id and words in r.reason]
    assert found, f"no reject for {doc_id!r} containing {words!r}: {rejects}"
    return found[0]


# --- the seed corpus ------------------------------------------------------------


def seed_manifest():
    with open(SEEDS / "manifest.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_seeds_give_every_manifest_article_with_its_line_range_and_date():
    articles, rejects = corpus.load(SEEDS)
    assert rejects == []  # README.md is not an article, and nothing is wrong
    docs = by_id(articles)
    rows = seed_manifest()
    assert [a.doc_id for a in articles] == [r["doc_id"] for r in rows]
    for row in rows:
        lines = (SEEDS / row["file"]).read_text(encoding="utf-8").split("\n")
        end = int(row["end_line"]) if row["end_line"] else len(lines)
        article = docs[row["doc_id"]]
        assert article.text == "\n".join(lines[int(row["start_line"]) - 1:end])
        assert article.published == (date.fromisoformat(row["published"])
                                     if row["published"] else None)
        assert (article.source, article.title) == (row["source"], row["title"])
        assert article.published_inferred is False


def test_default_date_fills_only_articles_without_one():
    articles, _ = corpus.load(SEEDS, default_published=date(2025, 11, 1))
    docs = by_id(articles)
    assert docs["cairo-lavrov-talks"].published == date(2025, 11, 1)
    assert docs["cairo-lavrov-talks"].published_inferred is True
    assert docs["rt-wsj-amnesty"].published == date(2025, 11, 21)
    assert docs["rt-wsj-amnesty"].published_inferred is False


def test_iter_corpus_streams():
    items = corpus.iter_corpus(SEEDS)
    assert not isinstance(items, (list, tuple))
    first = next(items)
    assert isinstance(first, Article) and first.doc_id == "rt-wagenknecht"


def test_missing_corpus_is_one_line_error(tmp_path):
    with pytest.raises(CorpusError) as info:
        list(corpus.iter_corpus(tmp_path / "nope"))
    assert "corpus not found" in str(info.value) and "\n" not in str(info.value)


# --- a folder full of bad input -------------------------------------------------------


@pytest.fixture(scope="module")
def bad():
    return split(list(corpus.iter_corpus(BAD, default_published=date(2000, 1, 1))))


def test_good_rows_survive_bad_neighbours(bad):
    articles, _ = bad
    docs = by_id(articles)
    good = (BAD / "good.txt").read_text(encoding="utf-8").split("\n")
    assert docs["ok-1"].text == "\n".join(good[0:5])
    assert docs["ok-2"].text == "\n".join(good[5:12])  # empty end_line: to the end
    assert docs["ok-2"].published == date(2025, 11, 22)  # the date as written, not UTC
    assert docs["unlisted"].text.startswith("A file with no manifest row.")
    assert set(docs) == {"ok-1", "ok-2", "bad-date", "undated", "latin", "ok-2~2", "unlisted"}


def test_line_range_outside_the_file(bad):
    r = reject_for(bad[1], "bad-range", "line range 40-60")
    assert "outside the file (12 lines)" in r.reason and r.action == "skipped"
    assert r.reason.startswith("line 4:")  # the manifest line


def test_invalid_date_is_kept_without_a_date_and_without_the_default(bad):
    docs = by_id(bad[0])
    assert docs["bad-date"].published is None
    r = reject_for(bad[1], "bad-date", "2025-13-45")
    assert r.action == "kept without a date"
    assert docs["undated"].published == date(2000, 1, 1)  # no date at all: the default


def test_missing_file_and_bad_line_number(bad):
    assert reject_for(bad[1], "missing", "'nothere.txt' not found").action == "skipped"
    assert reject_for(bad[1], "bad-start", "'abc' is not a line number").action == "skipped"


def test_paths_leaving_the_folder_are_never_read(bad):
    articles, rejects = bad
    assert reject_for(rejects, "escape", "leaves the corpus folder").action == "skipped"
    assert reject_for(rejects, "absolute", "leaves the corpus folder").action == "skipped"
    assert not any("SECRET-OUTSIDE" in a.text for a in articles)


def test_symlinks_out_of_the_folder_are_rejected(tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-OUTSIDE\n", encoding="utf-8")
    (root / "in.txt").write_text("Inside text on Monday.\n", encoding="utf-8")
    os.symlink(secret, root / "link.txt")
    os.symlink(tmp_path, root / "up")
    (root / "manifest.csv").write_text(
        "doc_id,file,start_line,end_line,published\n"
        "via-link,link.txt,1,1,2025-11-21\n"
        "via-dir,up/secret.txt,1,1,2025-11-21\n", encoding="utf-8")
    articles, rejects = corpus.load(root)
    assert [a.doc_id for a in articles] == ["in"]
    assert reject_for(rejects, "via-link", "leaves the corpus folder")
    assert reject_for(rejects, "via-dir", "leaves the corpus folder")
    assert any(r.input == "link.txt" and "outside the corpus folder" in r.reason for r in rejects)


def test_symlink_inside_the_folder_is_followed(tmp_path):
    (tmp_path / "real.txt").write_text("one\ntwo\nthree", encoding="utf-8")
    os.symlink(tmp_path / "real.txt", tmp_path / "alias.txt")
    (tmp_path / "manifest.csv").write_text("doc_id,file,start_line,end_line\n"
                                           "a,alias.txt,2,3\n", encoding="utf-8")
    articles, rejects = corpus.load(tmp_path)
    assert [(a.doc_id, a.text) for a in articles] == [("a", "two\nthree")]
    assert rejects == []


def test_non_utf8_is_decoded_with_replacement_and_kept(bad):
    docs = by_id(bad[0])
    assert docs["latin"].text == "Le ministre a parl\ufffd jeudi.\nLa r\ufffdunion aura lieu " \
                                 "en d\ufffdcembre."
    r = reject_for(bad[1], "latin", "not valid UTF-8")
    assert r.action == "decoded with replacement characters" and r.input == "latin1.txt"


def test_empty_and_binary_files(bad):
    assert reject_for(bad[1], "empty", "empty").action == "skipped"
    assert reject_for(bad[1], "binary", "binary").action == "skipped"


def test_duplicate_doc_ids(bad):
    docs = by_id(bad[0])
    same = reject_for(bad[1], "ok-1", "appears again with the same text")
    assert same.action == "skipped"
    other = reject_for(bad[1], "ok-2", "already used by another article")
    assert other.action == "kept as ok-2~2"
    good = (BAD / "good.txt").read_text(encoding="utf-8").split("\n")
    assert docs["ok-2~2"].text == "\n".join(good[6:8])


def test_row_with_too_many_fields(bad):
    assert reject_for(bad[1], "extra", "10 fields where the header has 7").action == "skipped"


def test_every_reject_is_one_line(bad):
    for r in bad[1]:
        for value in (r.input, r.doc_id, r.reason, r.action):
            assert "\n" not in value and value == value.strip()
        assert r.reason and r.action


def test_manifest_without_file_column(tmp_path):
    (tmp_path / "a.txt").write_text("Text A.", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("doc_id,path\nx,a.txt\n", encoding="utf-8")
    articles, rejects = corpus.load(tmp_path)
    assert [a.doc_id for a in articles] == ["a"]  # the file is still read, as a whole
    assert rejects[0].reason == "the manifest has no 'file' column"


def test_crlf_lines_and_bom(tmp_path):
    (tmp_path / "w.txt").write_bytes(b"\xef\xbb\xbfFirst line\r\nSecond line\r\nThird\r\n")
    (tmp_path / "manifest.csv").write_bytes(b"doc_id,file,start_line,end_line\r\n"
                                            b"w2,w.txt,2,\r\n")
    articles, rejects = corpus.load(tmp_path)
    assert [(a.doc_id, a.text) for a in articles] == [("w2", "Second line\nThird")]
    assert rejects == []


def test_unicode_line_separators_are_not_line_ends(tmp_path):
    (tmp_path / "u.txt").write_text("a\u2028b\x0cc\nsecond", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("doc_id,file,start_line,end_line\nu,u.txt,2,2\n",
                                           encoding="utf-8")
    articles, _ = corpus.load(tmp_path)
    assert articles[0].text == "second"


def test_file_read_while_streaming_can_vanish(tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(f"Text of {name}.", encoding="utf-8")
    items = corpus.iter_corpus(tmp_path)
    assert next(items).doc_id == "a"
    (tmp_path / "b.txt").unlink()
    rest = list(items)
    assert len(rest) == 1 and isinstance(rest[0], Reject) and "cannot be read" in rest[0].reason


# --- enormous documents -----------------------------------------------------------------


def test_enormous_text_file_is_truncated_at_a_line_end(tmp_path):
    line = "The talks resumed on Thursday. " * 3
    (tmp_path / "big.txt").write_text("\n".join([line.strip()] * 400), encoding="utf-8")
    articles, rejects = corpus.load(tmp_path, max_chars=1000)
    text = articles[0].text
    assert len(text) <= 1000 and not text.endswith(" ") and text.endswith("Thursday.")
    assert "\n".join([line.strip()] * 400).startswith(text)
    assert rejects[0].reason.startswith("the text has more than 1,000 characters")
    assert rejects[0].action == f"truncated to the first {len(text):,} characters"


def test_enormous_jsonl_text_is_truncated_and_overlong_line_skipped(tmp_path):
    path = tmp_path / "c.jsonl"
    long_text = "word " * 500
    path.write_text(json.dumps({"id": "long", "text": long_text}) + "\n"
                    + json.dumps({"id": "huge", "text": "x" * 100_000}) + "\n"
                    + json.dumps({"id": "ok", "text": "fine"}) + "\n", encoding="utf-8")
    articles, rejects = corpus.load(path, max_chars=1000)
    docs = by_id(articles)
    assert set(docs) == {"long", "ok"}
    assert len(docs["long"].text) <= 1000 and long_text.startswith(docs["long"].text)
    assert any(r.reason.startswith("line 2: longer than") for r in rejects)


# --- JSONL and CSV -------------------------------------------------------------------------


def test_jsonl_good_and_malformed_lines():
    articles, rejects = corpus.load(FIXTURES / "articles.jsonl")
    docs = by_id(articles)
    assert docs["j1"].published == date(2025, 11, 17) and docs["j1"].title == "Talks"
    assert docs["j2"].published == date(2025, 11, 21)  # 23:45 -08:00: the date as written
    assert docs["j2"].url == "https://example.org/j2"
    assert docs["7"].text == "A numeric id."
    assert docs["j6"].published is None
    derived = corpus.derived_id("articles", "An article without an id, published yesterday.")
    assert docs[derived].text.startswith("An article without an id")
    reasons = {r.reason.split(":")[0]: r for r in rejects}
    assert reasons["line 4"].reason.startswith("line 4: not valid JSON")
    assert "a list where an object was expected" in reasons["line 5"].reason
    assert "no text field (its fields: " in reasons["line 6"].reason
    assert "--field text=NAME" in reasons["line 6"].reason
    assert "'text' is a number" in reasons["line 7"].reason
    assert reasons["line 8"].action == f"kept as {derived}"
    assert "no 'id' and no 'url'" in reasons["line 8"].reason
    assert reasons["line 9"].action == "kept without a date"
    assert set(docs) == {"j1", "j2", "j6", "7", derived}


def test_csv_good_and_malformed_lines():
    articles, rejects = corpus.load(FIXTURES / "articles.csv")
    docs = by_id(articles)
    assert docs["c2"].text == "A text over\ntwo lines, quoted."
    assert docs["c5"].text.startswith("=HYPERLINK")  # data, kept as it is
    assert docs["c4"].published is None
    assert set(docs) == {"c1", "c2", "c4", "c5", "c7"}  # c7 comes after a broken row
    reasons = sorted(r.reason for r in rejects)
    assert any(r.startswith("line 5: 7 fields where the header has 6") for r in reasons)
    assert any(r.startswith("line 8: not valid CSV") for r in reasons)
    assert any(r.startswith("line 6: publication date '2025-02-30'") for r in reasons)


def test_csv_without_text_column(tmp_path):
    (tmp_path / "x.csv").write_text("id,words\n1,hello\n", encoding="utf-8")
    articles, rejects = corpus.load(tmp_path / "x.csv")
    assert articles == [] and rejects[0].reason == (
        "no text column in the header (its columns: id, words); name the one holding the "
        "text with --field text=NAME")


def test_manifest_given_as_the_corpus_reads_its_folder():
    articles, _ = corpus.load(SEEDS / "manifest.csv")
    assert len(articles) == len(seed_manifest())


def test_kinds_inside_a_folder(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"id": "j", "text": "From JSONL."}\n', encoding="utf-8")
    (tmp_path / "b.csv").write_text('id,text\nc,From CSV.\n', encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "t.txt").write_text("From a sub-folder.", encoding="utf-8")
    (tmp_path / "feed.rss").write_bytes((FIXTURES / "feeds" / "feed.rss").read_bytes())
    (tmp_path / ".hidden.txt").write_text("hidden", encoding="utf-8")
    articles, rejects = corpus.load(tmp_path)
    assert [a.doc_id for a in articles] == ["j", "c", "rss-a", "rss-b", "t"]
    assert rejects == []


# --- feeds and TimeML ------------------------------------------------------------------------


def test_rss_entries_become_plain_text_articles():
    articles, rejects = corpus.load(FIXTURES / "feeds" / "feed.rss")
    assert rejects == []
    a, b = articles
    assert a.doc_id == "rss-a" and a.source == "Example Wire"
    assert a.title == "Ministers meet & talk" and a.url == "https://example.org/a"
    assert a.text == "The ministers met on Thursday.\nThey will meet again next week & sign."
    assert a.published == date(2025, 11, 21)  # 23:30 -05:00 is the 22nd in UTC
    assert b.published is None and b.text == "Plain summary on Monday."


def test_atom_entry():
    (entry,), rejects = corpus.load(FIXTURES / "feeds" / "feed.atom")
    assert rejects == []
    assert entry.doc_id == "urn:atom-1" and entry.source == "Atom Desk"
    assert entry.text == "Heading\nSigned last Friday in Geneva."
    assert entry.published == date(2025, 11, 22)


def test_feed_that_does_not_parse():
    articles, rejects = corpus.load(FIXTURES / "feeds" / "broken.xml")
    assert articles == []
    assert rejects[0].reason.startswith("the feed does not parse")
    assert rejects[0].action == "skipped"


def test_feed_file_holding_a_url_is_not_fetched():
    articles, rejects = corpus.load(FIXTURES / "feeds" / "url_only.rss")
    assert articles == [] and "not an RSS or Atom feed" in rejects[0].reason


def test_html_to_text():
    assert corpus.html_to_text("<p>A &amp; B</p><script>x()</script><p>C<br>D</p>") == \
        "A & B\nC\nD"


def test_timeml_file_is_dated_by_its_creation_time():
    (article,), _ = corpus.load(FIXTURES / "tiny.tml")
    assert article.text == "The company said Thursday that profits rose."
    assert article.published == date(1998, 2, 6)


@pytest.mark.skipif(not SILVER.exists(), reason="TempEval-3 silver data not available")
def test_silver_folder_loads_every_file():
    count = sum(isinstance(i, Article) for i in corpus.iter_corpus(SILVER))
    assert count == 2452


# --- dates and hashes ---------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ("2025-11-21", date(2025, 11, 21)),
    ("2025-11-21T23:59:00+14:00", date(2025, 11, 21)),
    ("2025-11-21 08:00", date(2025, 11, 21)),
    ("Fri, 21 Nov 2025 23:30:00 -0500", date(2025, 11, 21)),
    ("", None), (None, None),
])
def test_parse_published(value, expected):
    assert corpus.parse_published(value) == (expected, "")


@pytest.mark.parametrize("value", ["2025-13-45", "2025-02-29", "yesterday", "21/11/2025", 20251121])
def test_parse_published_rejects(value):
    parsed, reason = corpus.parse_published(value)
    assert parsed is None and reason


def test_content_hash_sees_every_change():
    text = "Talks on Thursday."
    assert corpus.content_hash(text) == corpus.content_hash("Talks on Thursday.")
    assert corpus.content_hash(text) != corpus.content_hash("Talks on Thursday. ")
    assert corpus.content_hash("a\r\nb") == corpus.content_hash("a\nb")
    a = Article("x", text, published=date(2025, 11, 21))
    b = Article("x", text, published=date(2025, 11, 22))
    assert corpus.article_hash(a) != corpus.article_hash(b)


# --- near-duplicates -------------------------------------------------------------------------------


def test_seed_copy_is_found():
    articles, _ = corpus.load(SEEDS)
    assert corpus.find_duplicates(articles) == {"rt-shoigu-views": "rt-shoigu-feed"}


STORY = ("The foreign ministers of both countries met in Geneva on Thursday to discuss a "
         "framework for talks. Officials said the meeting lasted four hours and that the "
         "delegations agreed to meet again next week. ")
UPDATE = ("In a later statement, the ministry added that a summit could follow in December "
          "if the working groups reach agreement on the main points of the plan, which "
          "includes security guarantees, sanctions relief and the exchange of prisoners. ")


def test_longer_update_of_a_short_brief_is_not_a_duplicate():
    index = DuplicateIndex()
    assert index.check(Article("brief", STORY)) == ""
    assert index.check(Article("full", STORY + UPDATE * 2)) == ""  # adds much: kept
    assert index.check(Article("brief-again", "BREAKING\n" + STORY.upper())) == "brief"


def test_copy_of_a_copy_points_to_the_first():
    index = DuplicateIndex()
    assert index.check(Article("a", STORY + UPDATE)) == ""
    assert index.check(Article("b", "Title line\n" + STORY + UPDATE)) == "a"
    assert index.check(Article("c", STORY + UPDATE + "via IFTTT")) == "a"
    assert len(index) == 1


def test_short_texts_compare_exactly():
    index = DuplicateIndex()
    assert index.check(Article("a", "Talks on Thursday.")) == ""
    assert index.check(Article("b", "talks on thursday")) == "a"
    assert index.check(Article("c", "Talks on Friday.")) == ""


def test_fifo_is_not_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "ok.txt").write_text("Fine.", encoding="utf-8")
    articles, rejects = corpus.load(tmp_path)
    assert [a.doc_id for a in articles] == ["ok"]
    assert rejects[0].reason == "not a regular file"


def test_one_odd_character_does_not_cost_the_other_records(tmp_path):
    (tmp_path / "c.csv").write_text("id,text\na,first row with a NUL \x00 here\n"
                                    + "".join(f"r{i},Row number {i} is fine.\n" for i in range(5)),
                                    encoding="utf-8")
    articles, rejects = corpus.load(tmp_path / "c.csv")
    assert len(articles) == 6 and rejects == []


def test_duplicate_check_picks_the_candidate_a_plain_count_picks():
    """Many articles sharing boilerplate (long postings), near-copies of
    several of them: :meth:`DuplicateIndex.check` finds the original the
    plain algorithm finds (hits counted one by one, every hit sorted,
    containment counted shingle by shingle)."""
    import random

    rng = random.Random(7)
    words = [f"w{i}" for i in range(60)]
    boiler = "officials of the regional council said on Monday that".split()
    texts = []
    for i in range(300):
        body = [rng.choice(words) for _ in range(rng.randint(6, 30))]
        if texts and rng.random() < 0.4:          # a near-copy of an earlier one
            body = rng.choice(texts)[len(boiler):]
            body = [w if rng.random() > 0.1 else rng.choice(words) for w in body]
        texts.append(boiler + body)

    index = DuplicateIndex(max_candidates=5, common=40)   # some boilerplate postings fill up
    plain_ids, plain_shingles, plain_postings, plain_exact = [], [], {}, {}

    def plain(doc_id, text):
        exact, grams = index.shingles(text)
        if exact in plain_exact:
            return plain_ids[plain_exact[exact]]
        if len(grams) >= index.min_shingles:
            hits = {}
            for h in grams:
                posting = plain_postings.get(h, ())
                if h % index.sample == 0 and len(posting) < index.common:
                    for i in posting:
                        hits[i] = hits.get(i, 0) + 1
            best, best_score = -1, 0.0
            for i in sorted(hits, key=lambda i: (-hits[i], i))[:5]:
                score = sum(1 for h in plain_shingles[i] if h in grams) / len(grams)
                if score > best_score or (score == best_score and i < best):
                    best, best_score = i, score
            if best >= 0 and best_score >= index.threshold:
                return plain_ids[best]
        plain_exact.setdefault(exact, len(plain_ids))
        for h in grams:
            if h % index.sample == 0 and len(plain_postings.get(h, ())) < index.common:
                plain_postings.setdefault(h, []).append(len(plain_ids))
        plain_ids.append(doc_id)
        plain_shingles.append(list(grams))
        return ""

    found = [index.check(Article(doc_id=f"d{i}", text=" ".join(t))) for i, t in enumerate(texts)]
    expected = [plain(f"d{i}", " ".join(t)) for i, t in enumerate(texts)]
    assert found == expected
    assert sum(1 for f in found if f) > 20       # many duplicates found, not a trivial case
    assert any(len(p) == 40 for p in plain_postings.values())   # the cap was reached


def test_a_footer_shared_by_every_article_proposes_no_candidates_yet_copies_are_found():
    """2,000 different articles with one footer: the footer's shingles stop
    collecting originals at ``common``, so each check reads a bounded
    posting (not every earlier article), and a near-copy is still found by
    its own words."""
    footer = ("all rights reserved this material may not be published broadcast "
              "rewritten or redistributed").split()
    index = DuplicateIndex()
    def body(i):
        return (f"report {i} on district {i * 7} road {i * 13} and bridge {i * 31} opened after "
                f"{i * 3} weeks of repairs by crew {i * 11} of team {i * 17} in zone {i * 19}")

    for i in range(2000):
        assert index.check(Article(doc_id=f"a{i}", text=f"{body(i)} {' '.join(footer)}")) == ""
    lists = [p for p in index._postings.values() if isinstance(p, list)]
    assert lists and max(len(p) for p in lists) <= index.common
    # the same report with a title line on top
    assert index.check(Article(doc_id="copy", text=f"Update: {body(1500)} {' '.join(footer)}")) \
        == "a1500"


def test_shingle_hashes_are_the_same_in_every_process():
    # the hashes must not depend on the process's string hash salt: the sample of
    # shingles an index keeps (and so the candidates it finds) would change per run
    import subprocess
    import sys

    code = ("from timeline.corpus import DuplicateIndex; "
            "e, g = DuplicateIndex().shingles('Kiev confirmed receipt of the plan on Friday, "
            "officials said.'); print(e, sorted(g))")
    outputs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True, env={**__import__('os').environ,
                                               "PYTHONHASHSEED": seed}).stdout
               for seed in ("1", "2", "random")}
    assert len(outputs) == 1
    exact, grams = DuplicateIndex().shingles(
        "Kiev confirmed receipt of the plan on Friday, officials said.")
    assert outputs == {f"{exact} {sorted(grams)}\n"}
    assert len(grams) == 10 - 5 + 1
