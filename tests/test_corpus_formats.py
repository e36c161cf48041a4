"""Articles as researchers have them: saved web pages, news-API exports, other field
names, written dates, URL lists fetched from a local server; ids that never depend on
position; invalid Unicode and hostile nesting; a clear answer when nothing is read."""

import json
from datetime import date
from pathlib import Path

import pytest

from timeline import corpus
from timeline.article import Article
from timeline.corpus import Reject, checks, datelines, webpage
from timeline.terminal import safe_for_terminal
from webserver import _Handler, server  # noqa: F401  (a fixture)

WEB = Path(__file__).resolve().parent / "fixtures" / "web"


def split(items):
    articles = [i for i in items if isinstance(i, Article)]
    rejects = [i for i in items if isinstance(i, Reject)]
    return articles, rejects


def by_id(articles):
    return {a.doc_id: a for a in articles}


# --- saved web pages -----------------------------------------------------------------


def test_saved_page_keeps_the_article_and_drops_the_rest():
    (page,), rejects = corpus.load(WEB / "saved_page.html")
    assert rejects == []
    for paragraph in ("The foreign ministers of both countries met in Geneva on Thursday",
                      "would meet again next week to draft a framework",
                      "a senior diplomat said on Wednesday."):
        assert paragraph in page.text
    for boilerplate in ("Home", "Sport", "cookies", "May 25, 2018", "Most read",
                        "Storm hits coast", "Reader42", "Example Wire\n", "©"):
        assert boilerplate not in page.text, boilerplate
    # the date of <time datetime>, not the cookie banner's
    assert page.published == date(2025, 11, 21) and not page.published_inferred
    assert page.title == "Ministers agree to resume talks"
    assert page.source == "Example Wire"
    assert page.url == "https://example.org/world/talks"
    assert page.doc_id == "saved_page"


def test_page_whose_only_date_is_json_ld():
    (page,), rejects = corpus.load(WEB / "jsonld_only.html")
    assert rejects == []
    assert page.published == date(2025, 10, 3)  # datePublished, not dateModified
    assert "Dock workers returned to the terminals on Friday" in page.text
    assert "Negotiators will meet again in January" in page.text
    assert "Subscribe" not in page.text


@pytest.mark.parametrize("head, expected", [
    ('<meta property="article:published_time" content="2025-11-19T07:00:00+00:00">',
     date(2025, 11, 19)),
    ('<meta itemprop="datePublished" content="2025-11-18">', date(2025, 11, 18)),
    ('<meta name="pubdate" content="Tue, 18 Nov 2025 09:00:00 GMT">', date(2025, 11, 18)),
])
def test_page_date_from_meta_tags(tmp_path, head, expected):
    body = ("<p>The committee approved the plan on Monday after a long debate about the "
            "budget and the schedule of the works.</p>") * 3
    (tmp_path / "p.html").write_text(f"<html><head>{head}</head><body><article>{body}"
                                     "<time datetime='2020-01-01'>old</time></article>"
                                     "</body></html>", encoding="utf-8")
    (page,), _ = corpus.load(tmp_path / "p.html")
    assert page.published == expected


def test_page_without_a_date_is_undated_and_says_so(tmp_path):
    body = "<p>Rescuers reached the village on Sunday after the road was cleared.</p>" * 3
    (tmp_path / "nodate.html").write_text(f"<html><body><article>{body}</article></body></html>",
                                          encoding="utf-8")
    (page,), rejects = corpus.load(tmp_path / "nodate.html")
    assert page.published is None
    assert [(r.doc_id, r.reason, r.action) for r in rejects] == [
        ("nodate", webpage.NO_DATE, "kept without a date")]
    (page,), rejects = corpus.load(tmp_path / "nodate.html", default_published=date(2025, 1, 2))
    assert page.published == date(2025, 1, 2) and page.published_inferred and rejects == []


def test_bad_pages_are_clear_rejects_and_the_rest_is_read(tmp_path):
    (tmp_path / "empty-shell.html").write_text(
        "<html><body><nav><a href='/'>Home</a> <a href='/w'>World</a></nav></body></html>",
        encoding="utf-8")
    (tmp_path / "binary.htm").write_bytes(b"\x00\x01\x02GIF89a" * 50)
    (tmp_path / "malformed.html").write_text(
        "<html><head><title>Broken page</title><body><div><p>The bridge reopened on "
        "Tuesday after repairs that lasted two months.<p>Drivers said the detour had added "
        "an hour to their journeys<div><span>and the council promised <<< new works in "
        "March.</table></i></body>", encoding="utf-8")
    (tmp_path / "fine.txt").write_text("A plain article on Monday.", encoding="utf-8")
    articles, rejects = corpus.load(tmp_path)
    docs = by_id(articles)
    assert set(docs) == {"malformed", "fine"}
    assert "The bridge reopened on Tuesday" in docs["malformed"].text
    reasons = {r.doc_id: r for r in rejects if r.action == "skipped"}
    assert reasons["empty-shell"].reason == "no main text found in the page"
    assert reasons["binary"].reason == "the file is binary, not a web page"


# --- JSON exports -------------------------------------------------------------------------


def test_newsapi_export():
    articles, rejects = corpus.load(WEB / "newsapi.json")
    docs = by_id(articles)
    talks = docs["https://example.org/world/talks"]  # no id: the URL names it
    assert talks.source == "Example Wire"             # source.name
    assert talks.published == date(2025, 11, 21)
    assert talks.title == "Ministers agree to resume talks"
    assert talks.text.startswith("The foreign ministers met in Geneva on Thursday")
    strike = docs["https://harbour.example/strike"]
    assert strike.source == "Harbour Times" and strike.published == date(2025, 10, 3)
    assert len(articles) == 2
    (missing,) = rejects
    assert missing.reason.startswith("entry 3: no text field (its fields: source.id, "
                                     "source.name, title, url, publishedAt)")
    assert "--field text=NAME" in missing.reason and missing.action == "skipped"


@pytest.mark.parametrize("document", [
    [{"id": "a", "body": "Talks on Monday."}],
    {"results": [{"id": "a", "body": "Talks on Monday."}]},
    {"Data": [{"id": "a", "body": "Talks on Monday."}]},
    {"response": {"status": "ok", "results": [{"id": "a", "body": "Talks on Monday."}]}},
])
def test_export_shapes(tmp_path, document):
    (tmp_path / "e.json").write_text(json.dumps(document), encoding="utf-8")
    (article,), rejects = corpus.load(tmp_path / "e.json")
    assert (article.doc_id, article.text, rejects) == ("a", "Talks on Monday.", [])


@pytest.mark.parametrize("content, reason", [
    ('{"name": "settings", "version": 3}', "not an export of articles: an object (keys: name, "
                                           "version)"),
    ('{"articles": [', "not valid JSON (Expecting value at line 1"),
    ('"just a string"', "not an export of articles: a string, not an array of articles"),
    ('{"articles": []}', "the export holds no articles"),
])
def test_json_that_is_not_an_export(tmp_path, content, reason):
    (tmp_path / "x.json").write_text(content, encoding="utf-8")
    articles, (reject,) = corpus.load(tmp_path / "x.json")
    assert articles == [] and reject.reason.startswith(reason) and reject.action == "skipped"


def test_export_entries_of_the_wrong_kind_cost_only_themselves(tmp_path):
    (tmp_path / "x.json").write_text(json.dumps(
        [3, {"id": "ok", "content": "Fine on Friday."}, ["a"]]), encoding="utf-8")
    articles, rejects = corpus.load(tmp_path / "x.json")
    assert [a.doc_id for a in articles] == ["ok"]
    assert [r.reason for r in rejects] == ["entry 1: a number where an object was expected",
                                           "entry 3: a list where an object was expected"]


# --- field names and written dates --------------------------------------------------------


def test_jsonl_with_other_field_names():
    articles, rejects = corpus.load(WEB / "other_fields.jsonl", fields=["id=uid"])
    docs = by_id(articles)
    assert set(docs) == {"of-1", "of-2", "of-3", "of-4"}
    budget = docs["of-1"]
    assert budget.text == "The parliament postponed the budget vote on Tuesday until next month."
    assert (budget.title, budget.source, budget.url) == (
        "Budget vote delayed", "Capital Post", "https://capital.example/budget")
    assert budget.published == date(2025, 11, 21)          # "21 November 2025"
    assert docs["of-2"].published == date(2025, 11, 24)    # "Nov 24, 2025 14:30 GMT"
    assert docs["of-2"].source == "Rail News"              # publisher
    reasons = {r.doc_id: r for r in rejects}
    assert "--date-order DMY, MDY or YMD" in reasons["of-3"].reason
    assert reasons["of-3"].action == "kept without a date" and docs["of-3"].published is None
    assert "'yesterday' is relative" in reasons["of-4"].reason


@pytest.mark.parametrize("order, expected", [("DMY", date(2025, 6, 5)),
                                             ("MDY", date(2025, 5, 6))])
def test_date_order_decides_numeric_dates(order, expected):
    articles, _ = corpus.load(WEB / "other_fields.jsonl", fields={"id": "uid"}, date_order=order)
    assert by_id(articles)["of-3"].published == expected


def test_field_option_comes_before_the_synonyms(tmp_path):
    (tmp_path / "r.jsonl").write_text(json.dumps(
        {"id": "r", "text": "teaser", "full": "The whole story, told on Monday.",
         "when": "2025-11-03"}) + "\n", encoding="utf-8")
    (article,), _ = corpus.load(tmp_path / "r.jsonl", fields=["text=full", "published=when"])
    assert article.text == "The whole story, told on Monday."
    assert article.published == date(2025, 11, 3)


def test_csv_with_synonym_columns(tmp_path):
    (tmp_path / "c.csv").write_text("ID,Headline,Content,PublishedAt\n"
                                    "c1,Vote,The vote took place on Friday.,2025-11-21T10:00:00Z\n",
                                    encoding="utf-8")
    (article,), rejects = corpus.load(tmp_path / "c.csv")
    assert (article.doc_id, article.title, article.published, rejects) == (
        "c1", "Vote", date(2025, 11, 21), [])


@pytest.mark.parametrize("options, message", [
    (["text"], "a field mapping is FIELD=NAME"),
    (["author=byline"], "unknown field 'author'"),
])
def test_bad_field_options(options, message):
    with pytest.raises(ValueError, match=message):
        corpus.parse_field_options(options)


@pytest.mark.parametrize("value, expected", [
    ("21 November 2025", date(2025, 11, 21)),
    ("Nov 21, 2025 14:30 GMT", date(2025, 11, 21)),
    ("Friday, 21 November 2025", date(2025, 11, 21)),
    ("Fri, 21 Nov 2025 10:00:00 +0000", date(2025, 11, 21)),
    ("2025-11-21T23:30:00-08:00", date(2025, 11, 21)),
])
def test_written_publication_dates(value, expected):
    assert corpus.parse_published(value) == (expected, "")


@pytest.mark.parametrize("value", ["yesterday", "2 days ago", "Friday", "21 Nov", "November 2025",
                                   "today at 10:00", "last week"])
def test_dates_needing_the_clock_are_refused(value):
    parsed, reason = corpus.parse_published(value)
    assert parsed is None and reason


@pytest.mark.parametrize("value, order, expected", [
    ("23/11/2025", "DMY", date(2025, 11, 23)),
    ("11/23/2025", "MDY", date(2025, 11, 23)),
    ("2025/11/23", "YMD", date(2025, 11, 23)),
    ("23.11.2025 14:30", "DMY", date(2025, 11, 23)),
])
def test_numeric_dates_follow_the_order(value, order, expected):
    assert corpus.parse_published(value, order) == (expected, "")
    parsed, reason = corpus.parse_published(value)
    assert parsed is None and "--date-order" in reason


def test_numeric_date_impossible_in_its_order():
    parsed, reason = corpus.parse_published("11/23/2025", "DMY")
    assert parsed is None and "not a valid date in the order DMY" in reason


# --- datelines for --infer-dates ---------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("Budget talks resume\nPublished: 21 Nov 2025\nThe talks resumed on Monday.",
     date(2025, 11, 21)),
    ("Budget talks resume\n21 November 2025 14:30\nThe talks resumed on Monday.",
     date(2025, 11, 21)),
    ("Budget talks resume\nBy Jane Roe | Nov 21, 2025 2:30 pm GMT\nThe talks resumed.",
     date(2025, 11, 21)),
    ("Headline\nUpdated: 23 November 2025\nPosted on 21st of November 2025\nText.",
     date(2025, 11, 21)),
    ("Headline\nUpdated: 23 November 2025\nText of the story.", date(2025, 11, 23)),
])
def test_datelines(text, expected):
    assert datelines.dateline_date(text) == expected


@pytest.mark.parametrize("text", [
    "Headline\nThe treaty signed on 21 November 2025 by both sides will enter into force.\n",
    "Headline\nPublished: 21 Nov\nText.",        # no year: left to the temporal stage
    "Headline\nPublished: yesterday\nText.",
])
def test_no_dateline(text):
    assert datelines.dateline_date(text) is None


def test_infer_from_dateline_marks_the_date_inferred():
    article = Article("a", "Title\nPublished: 3 March 2024\nThe council met on Friday.")
    assert datelines.infer_from_dateline(article)
    assert article.published == date(2024, 3, 3) and article.published_inferred


# --- ids --------------------------------------------------------------------------------------


FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}
</channel></rss>"""
ITEM = "<item><title>{0}</title><description>{0} happened on Monday.</description></item>"


def test_ids_without_guid_never_depend_on_position(tmp_path):
    path = tmp_path / "news.rss"
    path.write_text(FEED.format(items=ITEM.format("Storm") + ITEM.format("Flood")), "utf-8")
    first = [a.doc_id for a in corpus.load(path)[0]]
    path.write_text(FEED.format(items=ITEM.format("Fire") + ITEM.format("Storm")
                                + ITEM.format("Flood")), "utf-8")
    second = [a.doc_id for a in corpus.load(path)[0]]
    assert second[1:] == first                  # the old items keep their ids
    assert len(set(second)) == 3                # and a new one gets its own
    assert first[0] == checks.derived_id("news", "Storm happened on Monday.")


def test_records_without_id_are_stable_and_identical_ones_are_duplicates(tmp_path):
    path = tmp_path / "items.jsonl"
    lines = [{"text": "A fire broke out on Monday."}, {"text": "A flood on Tuesday."},
             {"text": "A fire broke out on Monday."}]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), "utf-8")
    articles, rejects = corpus.load(path)
    assert [a.doc_id for a in articles] == [
        checks.derived_id("items", "A fire broke out on Monday."),
        checks.derived_id("items", "A flood on Tuesday.")]
    again = [r for r in rejects if "appears again with the same text" in r.reason]
    assert len(again) == 1 and again[0].reason.startswith("line 3:")
    path.write_text("".join(json.dumps(x) + "\n" for x in lines[::-1]), "utf-8")
    assert {a.doc_id for a in corpus.load(path)[0]} == {a.doc_id for a in articles}


@pytest.mark.parametrize("raw, clean, problem", [
    ("a; b", "a;b", "the list separator"),
    ("x\ny", "x_y", "control characters"),
    ("\x1b[31mred", "_[31mred", "control characters"),
    ("p\u2028q; r", "p_q;r", "control characters and the list separator"),
])
def test_ids_that_would_break_a_table_are_cleaned(tmp_path, raw, clean, problem):
    (tmp_path / "i.jsonl").write_text(json.dumps({"id": raw, "text": "Talks on Monday."}) + "\n",
                                      "utf-8")
    (article,), (reject,) = corpus.load(tmp_path / "i.jsonl")
    assert article.doc_id == clean
    assert problem in reject.reason and reject.action == f"kept as {clean}"


def test_cleaned_id_colliding_with_another_is_kept_apart(tmp_path):
    (tmp_path / "i.jsonl").write_text(
        json.dumps({"id": "a;b", "text": "One."}) + "\n"
        + json.dumps({"id": "a; b", "text": "Two."}) + "\n", "utf-8")
    articles, _ = corpus.load(tmp_path / "i.jsonl")
    assert [a.doc_id for a in articles] == ["a;b", "a;b~2"]


def test_safe_for_terminal():
    assert safe_for_terminal("evil\nname: 0 rejected\r\x1b[2K") == \
        "evil\\nname: 0 rejected\\r\\x1b[2K"
    assert safe_for_terminal("caf\u00e9 \u202eexe.txt\x85") == "caf\u00e9 \\u202eexe.txt\\x85"
    assert safe_for_terminal("plain text, 3 items") == "plain text, 3 items"


# --- invalid Unicode, hostile nesting, failing readers ------------------------------------------


def test_lone_surrogate_in_jsonl_is_repaired(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text('{"id": "s", "text": "Bad \\ud800 char on Monday.", "title": "T\\udfff"}\n'
                    '{"id": "ok", "text": "Fine on Tuesday."}\n', "utf-8")
    articles, rejects = corpus.load(path)
    docs = by_id(articles)
    assert docs["s"].text == "Bad \ufffd char on Monday." and docs["s"].title == "T\ufffd"
    assert docs["ok"].text == "Fine on Tuesday."
    (reject,) = rejects
    assert reject.reason.startswith("line 1: invalid Unicode (2 lone surrogates")
    assert reject.action == checks.REPAIRED
    docs["s"].text.encode("utf-8")  # no longer fails


def test_surrogate_references_in_markup_are_repaired(tmp_path):
    (tmp_path / "f.rss").write_text(FEED.format(items="<item><guid>g1</guid><title>A</title>"
                                    "<description>Odd &#xD800; on Monday.</description></item>"),
                                    "utf-8")
    (tmp_path / "t.tml").write_text(
        '<?xml version="1.0"?><TimeML><DCT><TIMEX3 tid="t0" type="DATE" value="1998-02-06" '
        'functionInDocument="CREATION_TIME">1998-02-06</TIMEX3></DCT>'
        "<TEXT>Profits &#55296; rose on Thursday.</TEXT></TimeML>", "utf-8")
    body = "<p>The ferry sailed on Sunday &#xDBFF; despite the storm warnings issued.</p>" * 3
    (tmp_path / "p.html").write_text(f"<html><body><article>{body}</article></body></html>",
                                     "utf-8")
    articles, rejects = corpus.load(tmp_path, default_published=date(2025, 1, 1))
    docs = by_id(articles)
    assert docs["g1"].text == "Odd \ufffd on Monday."
    assert docs["t"].text == "Profits \ufffd rose on Thursday."
    assert docs["t"].published == date(1998, 2, 6)
    assert "\ufffd" in docs["p"].text and "The ferry sailed on Sunday" in docs["p"].text
    repaired = sorted(r.input for r in rejects if r.action == checks.REPAIRED)
    assert repaired == ["f.rss", "p.html", "t.tml"]
    for article in articles:
        article.text.encode("utf-8")


def test_deeply_nested_timeml_is_a_clear_reject(tmp_path):
    (tmp_path / "deep.tml").write_text(
        '<?xml version="1.0"?><TimeML><TEXT>' + "<s>" * 5000 + "Thursday" + "</s>" * 5000
        + "</TEXT></TimeML>", "utf-8")
    (tmp_path / "ok.txt").write_text("Fine on Monday.", "utf-8")
    articles, rejects = corpus.load(tmp_path)
    assert [a.doc_id for a in articles] == ["ok"]
    (reject,) = rejects
    assert reject.reason == f"not usable TimeML (elements nested more than " \
                            f"{checks.MAX_XML_DEPTH} deep)" and reject.action == "skipped"


def test_a_failing_record_costs_only_itself(tmp_path, monkeypatch):
    from timeline.corpus import jsonl

    real = jsonl.read_record

    def flaky(record, *args, **kwargs):
        if record.get("id") == "bad":
            raise RuntimeError("boom\nsecond line")
        return real(record, *args, **kwargs)

    monkeypatch.setattr(jsonl, "read_record", flaky)
    (tmp_path / "r.jsonl").write_text("".join(json.dumps({"id": i, "text": f"Text {i}."}) + "\n"
                                              for i in ("a", "bad", "c")), "utf-8")
    articles, (reject,) = corpus.load(tmp_path / "r.jsonl")
    assert [a.doc_id for a in articles] == ["a", "c"]
    assert reject.reason == "line 2: could not be read (RuntimeError: boom)"


def test_a_failing_reader_costs_only_its_file(tmp_path, monkeypatch):
    from timeline.corpus import registry

    def broken(path, ctx):
        yield from ()
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setitem(registry.READERS, ".json", broken)
    (tmp_path / "a.json").write_text("[]", "utf-8")
    (tmp_path / "b.txt").write_text("Fine on Monday.", "utf-8")
    articles, (reject,) = corpus.load(tmp_path)
    assert [a.doc_id for a in articles] == ["b"]
    assert reject.input == "a.json" and "RecursionError" in reject.reason


# --- folders: other kinds, run outputs ----------------------------------------------------------


def test_files_of_other_kinds_each_get_a_reject(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "b.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "README.md").write_text("About this corpus.", "utf-8")
    (tmp_path / "notes").write_text("no extension", "utf-8")
    (tmp_path / "story.txt").write_text("Talks on Monday.", "utf-8")
    articles, rejects = corpus.load(tmp_path)
    assert [a.doc_id for a in articles] == ["story"]
    assert sorted((r.input, r.reason) for r in rejects) == [
        ("a.pdf", "not a kind of file timeline reads (.pdf)"),
        ("b.docx", "not a kind of file timeline reads (.docx)"),
        ("notes", "not a kind of file timeline reads (no extension)")]


def test_nothing_read_names_what_was_found():
    line = corpus.nothing_read(["not a kind of file timeline reads (.pdf)",
                                "not a kind of file timeline reads (.docx)",
                                "not a kind of file timeline reads (.pdf)",
                                "the file is empty"])
    assert line == ("3 files of kinds it cannot read (.pdf, .docx); "
                    "1 other input rejected (see rejects.csv)")
    assert corpus.nothing_read([]).startswith("no file of a kind it reads (.atom, .csv, ")


def test_a_browser_saved_page_with_its_assets_folder(tmp_path):
    (tmp_path / "Talks resume.html").write_bytes((WEB / "saved_page.html").read_bytes())
    assets = tmp_path / "Talks resume_files"
    assets.mkdir()
    for name in ("style.css", "app.js", "logo.png", "frame.html"):
        (assets / name).write_text("x", "utf-8")
    (tmp_path / "orphan_files").mkdir()  # no page beside it: read as any folder
    (tmp_path / "orphan_files" / "a.js").write_text("x", "utf-8")
    articles, rejects = corpus.load(tmp_path)
    assert [a.doc_id for a in articles] == ["Talks resume"]
    assert [r.input for r in rejects] == ["orphan_files/a.js"]


def test_outputs_of_a_run_are_never_read(tmp_path):
    (tmp_path / "story.txt").write_text("Talks on Monday.", "utf-8")
    out = tmp_path / "outputs" / "run1"
    out.mkdir(parents=True)
    for name in ("documents.csv", "mentions.csv", "events.csv", "rejects.csv"):
        (out / name).write_text("doc_id,text\nx,Monday\n", "utf-8")
    (out / "summary.json").write_text("{}", "utf-8")
    (out / "timeline.html").write_text("<html></html>", "utf-8")
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "mentions.csv").write_text("id,text\nm,On Monday.\n", "utf-8")
    articles, rejects = corpus.load(tmp_path, exclude=[other])
    assert [a.doc_id for a in articles] == ["story"] and rejects == []


def test_out_inside_the_corpus_is_refused(tmp_path):
    with pytest.raises(corpus.CorpusError, match="inside the corpus folder"):
        corpus.check_out_folder(tmp_path, tmp_path / "out")
    with pytest.raises(corpus.CorpusError):
        corpus.check_out_folder(tmp_path, tmp_path)
    corpus.check_out_folder(tmp_path / "c", tmp_path / "out")  # beside it: fine
    (tmp_path / "one.jsonl").write_text("{}", "utf-8")
    corpus.check_out_folder(tmp_path / "one.jsonl", tmp_path / "out")  # a file corpus reads one file


# --- URL lists, against a server on 127.0.0.1 ------------------------------------------------------

def test_url_list_fetched_politely_cached_and_every_failure_a_reject(tmp_path, server):
    urls = tmp_path / "list.urls"
    urls.write_text("\n".join(["# pages of the story", f"{server}/page", f"{server}/missing",
                               f"{server}/pdf", f"{server}/loop", f"{server}/slow",
                               "http://no-such-host.invalid/x", "not a url", f"{server}/moved"]),
                    "utf-8")
    fetch = {"cache_dir": tmp_path / "cache", "delay": 0.2, "timeout": 0.5}
    articles, rejects = corpus.load(urls, fetch=fetch)
    docs = by_id(articles)
    assert set(docs) == {f"{server}/page", f"{server}/moved"}
    page = docs[f"{server}/page"]
    assert page.published == date(2025, 11, 12) and page.source == "Local Wire"
    assert page.title == "Harbour reopens" and "reopened on Tuesday" in page.text
    assert docs[f"{server}/moved"].url == f"{server}/page?followed"   # where it ended
    reasons = {r.doc_id: r.reason for r in rejects}
    assert reasons[f"{server}/missing"].endswith("HTTP 404 Not Found")
    assert reasons[f"{server}/pdf"].endswith("not a web page (content type application/pdf)")
    assert "redirect loop" in reasons[f"{server}/loop"]
    assert reasons[f"{server}/slow"].endswith("no answer within 0.5 s (timeout)")
    assert "'no-such-host.invalid' was not found (DNS)" in reasons["http://no-such-host.invalid/x"]
    assert any(r.reason == "line 8: 'not a url' is not an http(s) URL" for r in rejects)
    assert all(r.action == "skipped" for r in rejects)
    # polite: the project's User-Agent, and a pause between two requests to the host
    assert {agent for _, agent, _ in _Handler.hits} == {corpus.urls.user_agent()}
    assert _Handler.hits[0][1].startswith("timeline/")
    stamps = [t for path, _, t in _Handler.hits if "?" not in path]  # each fetch's first
    assert all(b - a >= 0.18 for a, b in zip(stamps, stamps[1:]))
    # a rerun reads the pages from the cache: no request for them
    before = [path for path, _, _ in _Handler.hits]
    again, _ = corpus.load(urls, fetch=fetch)
    assert {a.doc_id for a in again} == set(docs)
    after = [path for path, _, _ in _Handler.hits][len(before):]
    assert "/page" not in after and "/moved" not in after
    assert "/missing" in after   # failures are tried again


def test_url_option_and_txt_file_of_urls(tmp_path, server):
    fetch = {"cache_dir": tmp_path / "cache", "delay": 0}
    (tmp_path / "links.txt").write_text(f"{server}/page\n\n{server}/other\n", "utf-8")
    articles, rejects = corpus.load(tmp_path / "links.txt", fetch=fetch)
    assert [a.doc_id for a in articles] == [f"{server}/page", f"{server}/other"] and not rejects
    articles, rejects = corpus.load(None, urls=[f"{server}/other", f"{server}/gone"], fetch=fetch)
    assert [a.doc_id for a in articles] == [f"{server}/other"]
    assert [(r.input, r.doc_id) for r in rejects] == [("--url", f"{server}/gone")]


def test_lone_surrogate_in_a_rejected_record_cannot_break_rejects_csv(tmp_path):
    (tmp_path / "s.jsonl").write_text('{"id": "x\\ud800", "w\\udc00rds": "no text here"}\n',
                                      "utf-8")
    articles, (reject,) = corpus.load(tmp_path / "s.jsonl")
    assert articles == [] and "no text field" in reject.reason
    assert reject.doc_id == "x\ufffd" and "w\ufffdrds" in reject.reason
    for value in (reject.input, reject.doc_id, reject.reason, reject.action):
        value.encode("utf-8")
