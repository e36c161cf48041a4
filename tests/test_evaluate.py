"""TempEval-3 Task A scoring (evaluate.task_a and its helpers).

The figures asserted here are worked out by hand from small TimeML
documents built in the test, whose gold tags are chosen to give one strict
match, one relaxed-only match, one wrong value, one miss and one extra.
"""

from __future__ import annotations

import pytest

from timeline import evaluate, timeml
from timeline.timeml import Tag

from conftest import TBAQ

GOLD = """<?xml version="1.0" ?>
<TimeML>
<DOCID>toy</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2025-11-21" temporalFunction="false" functionInDocument="CREATION_TIME">2025-11-21</TIMEX3></DCT>
<TEXT>Kiev confirmed the plan on <TIMEX3 tid="t1" type="DATE" value="2025-11-20">Thursday</TIMEX3>. The talks lasted <TIMEX3 tid="t2" type="DURATION" value="P4H">four hours</TIMEX3> and will resume <TIMEX3 tid="t3" type="DATE" value="2025-11-24">on Monday</TIMEX3>. The envoy <TIMEX3 tid="t4" type="DATE" value="PAST_REF">once</TIMEX3> said the plan is now dead.</TEXT>
</TimeML>
"""


def tag(start: int, end: int, value: str = "", type_: str = "DATE") -> Tag:
    return Tag("TIMEX3", start, end, {"type": type_, "value": value})


def test_match_is_one_to_one_exact_spans_first_then_largest_overlap():
    gold = [tag(0, 5), tag(10, 20), tag(30, 35)]
    system = [tag(0, 5), tag(12, 15), tag(13, 25), tag(40, 45)]
    strict, pairs = evaluate.match_timexes(gold, system)
    assert strict == 1
    assert sorted(pairs) == [(0, 0), (1, 2)]


def test_a_system_tag_is_matched_once_only():
    gold = [tag(0, 10), tag(5, 15)]
    strict, pairs = evaluate.match_timexes(gold, [tag(4, 12)])
    assert strict == 0 and len(pairs) == 1


def test_task_a_scores_a_toy_document(tmp_path, nlp):
    gold_dir, out = tmp_path / "gold", tmp_path / "system"
    gold_dir.mkdir()
    (gold_dir / "toy.tml").write_text(GOLD, encoding="utf-8")
    results = evaluate.task_a([gold_dir], out, nlp)
    # system: Thursday (strict), four hours (strict, value PT4H != P4H),
    # Monday (relaxed only), now (extra); gold "once" is missed.
    assert (results["n_gold"], results["n_system"], results["n_files"]) == (4, 4, 1)
    assert (results["strict_p"], results["strict_r"], results["strict_f1"]) == (50.0, 50.0, 50.0)
    assert (results["relaxed_p"], results["relaxed_r"], results["relaxed_f1"]) == (75.0, 75.0, 75.0)
    assert results["value_accuracy"] == pytest.approx(66.67)
    assert results["value_f1"] == pytest.approx(50.0)
    assert (results["type_accuracy"], results["type_f1"]) == (100.0, 75.0)


def test_task_a_writes_system_timeml_with_the_same_text(tmp_path, nlp):
    gold_dir, out = tmp_path / "gold", tmp_path / "system"
    gold_dir.mkdir()
    (gold_dir / "toy.tml").write_text(GOLD, encoding="utf-8")
    evaluate.task_a([gold_dir], out, nlp)
    gold, system = timeml.read(gold_dir / "toy.tml"), timeml.read(out / "toy.tml")
    assert system.text == gold.text and system.dct == gold.dct
    found = {system.text[t.start:t.end]: (t.attrs["type"], t.attrs["value"]) for t in system.timexes}
    assert found["Thursday"] == ("DATE", "2025-11-20")
    assert found["Monday"] == ("DATE", "2025-11-24")
    assert found["four hours"] == ("DURATION", "PT4H")


def test_task_a_without_tml_files_says_so(tmp_path):
    with pytest.raises(ValueError, match="no .tml files"):
        evaluate.task_a([tmp_path], tmp_path / "out")


def test_task_a_reports_a_malformed_file_by_name(tmp_path):
    (tmp_path / "bad.tml").write_text("<TimeML><TEXT>unclosed", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.tml"):
        evaluate.task_a([tmp_path], tmp_path / "out")


def test_format_report_aligns_the_figures():
    results = {"strict_p": 87.2, "strict_r": 90.34, "strict_f1": 88.76, "relaxed_p": 92.42,
               "relaxed_r": 95.72, "relaxed_f1": 94.04, "value_f1": 81.05, "type_f1": 89.73,
               "value_accuracy": 86.18, "type_accuracy": 95.41, "n_gold": 1822, "n_system": 1887,
               "n_files": 256}
    report = evaluate.format_report(results)
    lines = report.splitlines()
    assert "256 files, 1822 gold, 1887 system" in lines[0]
    strict = next(line for line in lines if line.strip().startswith("strict"))
    assert strict.split()[1:] == ["87.20", "90.34", "88.76"]
    value = next(line for line in lines if line.strip().startswith("value"))
    assert value.split()[1:] == ["86.18", "81.05"]
    assert len({len(line) for line in lines[1:4]}) == 1      # columns line up
    assert "nearest verb" not in report


def test_format_report_adds_anchoring_when_present():
    report = evaluate.format_report({"accuracy": 71.5, "baseline_accuracy": 60.25, "n": 400})
    assert "400" in report
    assert "71.50" in report and "60.25" in report


@pytest.mark.skipif(not TBAQ.exists(), reason="TBAQ-cleaned not available")
def test_task_a_on_a_few_timebank_files(tmp_path, nlp):
    files = sorted((TBAQ / "TimeBank").glob("*.tml"))[:4]
    results = evaluate.task_a(files, tmp_path, nlp)
    assert results["n_files"] == 4 and results["n_gold"] > 10
    assert results["relaxed_f1"] > 80 and results["value_f1"] > 60
    assert sorted(p.name for p in tmp_path.glob("*.tml")) == sorted(f.name for f in files)


# --- Task B: events ---------------------------------------------------------------------


def event(start: int, end: int, cls: str = "OCCURRENCE") -> Tag:
    return Tag("EVENT", start, end, {"class": cls})


def test_event_counts_on_a_synthetic_pair():
    # gold: three events; system: one identical span with the right class, one
    # overlapping span with the wrong class, one extra; one gold event missed
    gold = [event(0, 5, "REPORTING"), event(10, 20, "STATE"), event(30, 35)]
    system = [event(0, 5, "REPORTING"), event(12, 15, "OCCURRENCE"), event(40, 44)]
    counts = evaluate.EventCounts()
    counts.add(gold, system)
    fig = counts.figures("events_")
    # P = 2/3, R = 2/3, F1 = 2/3; class accuracy 1/2 over the two matches
    assert (fig["events_p"], fig["events_r"], fig["events_f1"]) == (66.67, 66.67, 66.67)
    assert fig["events_strict_f1"] == 33.33
    assert fig["events_class_accuracy"] == 50.0 and fig["events_class_f1"] == 33.33
    assert (fig["events_n_gold"], fig["events_n_system"]) == (3, 3)
    counts.add([event(0, 3)], [])            # a second document: one more miss
    assert counts.figures()["r"] == 50.0


def test_system_timeml_nests_or_drops_events_so_it_stays_well_formed(tmp_path):
    doc = timeml.parse_string(GOLD, "toy.tml")
    text = doc.text
    thursday = text.index("Thursday")
    timexes = [Tag("TIMEX3", thursday, thursday + 8, {"tid": "t1", "type": "DATE",
                                                     "value": "2025-11-20"})]
    confirmed = text.index("confirmed")
    events = [
        event(confirmed, confirmed + 9, "REPORTING"),        # outside any TIMEX3
        event(thursday + 2, thursday + 5),                   # inside: nested
        event(thursday + 6, thursday + 12),                  # runs out of it: dropped
        event(confirmed + 3, confirmed + 12),                # overlaps an event: dropped
    ]
    timeml.write(tmp_path / "toy.tml", doc, timexes, events)
    back = timeml.read(tmp_path / "toy.tml")                 # parses: well-formed
    assert back.text == text
    spans = [(e.start, e.end, e.attrs["class"]) for e in back.events]
    assert spans == [(confirmed, confirmed + 9, "REPORTING"), (thursday + 2, thursday + 5,
                                                                "OCCURRENCE")]
    assert [(t.start, t.end) for t in back.timexes] == [(thursday, thursday + 8)]


def test_task_b_figures_are_those_of_the_system_timeml_written(tmp_path, nlp):
    gold_dir, out = tmp_path / "gold" / "Part", tmp_path / "system"
    gold_dir.mkdir(parents=True)
    (gold_dir / "toy.tml").write_text(GOLD.replace(
        "Kiev confirmed", 'Kiev <EVENT eid="e1" class="REPORTING">confirmed</EVENT>').replace(
        "talks lasted", 'talks <EVENT eid="e2" class="OCCURRENCE">lasted</EVENT>'),
        encoding="utf-8")
    results = evaluate.task_a([tmp_path / "gold"], out, nlp, events=True)
    gold, system = timeml.read(gold_dir / "toy.tml"), timeml.read(out / "toy.tml")
    assert len(gold.events) == 2 and system.events
    assert all(e.attrs.get("eid") and e.attrs.get("class") for e in system.events)
    counts = evaluate.EventCounts()
    counts.add(gold.events, system.events)
    assert results["events_f1"] == counts.figures()["f1"]
    assert results["events_class_f1"] == counts.figures()["class_f1"]
    assert results["events_r"] == 100.0            # both gold verbs are found
    assert set(results["events_by_part"]) == {"Part"}
    assert results["events_by_part"]["Part"]["f1"] == results["events_f1"]
    assert results["events_baseline_n_system"] >= 2
    assert "Task B" in evaluate.format_report(results)


def test_a_phrasal_verb_is_tagged_on_its_verb_in_the_system_timeml(nlp):
    # the event mention takes in the particle ("showed off"); TimeML's EVENT
    # extent is the head word, as TimeBank tags it
    from datetime import date
    from timeline import events, nlp as nlp_mod, sentences
    from timeline.article import Article
    from timeline.events import detect
    text = "The chef showed off her new menu."
    article = sentences.split(Article(doc_id="t", text=text, published=date(2025, 11, 21)))
    for sent in article.sentences:
        sent.needs_parse = True
    nlp_mod.parse([article], nlp)
    events.anchor(article)
    detect.find_events(article)
    assert any(e.text == "showed off" for e in article.event_mentions)
    tags = evaluate.system_event_tags(article)
    assert "showed" in [text[t.start:t.end] for t in tags]
    assert "showed off" not in [text[t.start:t.end] for t in tags]
