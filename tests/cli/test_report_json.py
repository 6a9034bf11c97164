"""The report as data: docs/report.schema.json, report_text.render() (the
text from the data, byte for byte as the driver printed it) and the
`--json` document of check/repro (report_json.py), on a recorded driver
result (data/report-details.json: the zoo's copy-page-to-iter-compound)."""
import copy
import json
import os

import jsonschema
import pytest

from kmapsim_cli import report_json, report_text
from kmapsim_cli.driver import Result

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


@pytest.fixture
def recorded():
    with open(os.path.join(HERE, "data", "report-details.json")) as f:
        return Result(json.load(f))


@pytest.fixture
def schema():
    with open(os.path.join(ROOT, "docs", "report.schema.json")) as f:
        return json.load(f)


def test_recorded_report_validates(recorded, schema):
    jsonschema.validate(recorded["details"], schema)


def test_text_round_trip(recorded):
    assert report_text.render(recorded["details"]) == recorded["report"]


def test_sites_name_the_lines(recorded):
    sites = recorded["details"]["sites"]
    assert [s["role"] for s in sites] == ["access", "mapped"]
    assert (sites[0]["trace"][0]["file"], sites[0]["trace"][0]["line"]) == ("buggy.c", 31)
    assert (sites[1]["trace"][0]["file"], sites[1]["trace"][0]["line"]) == ("buggy.c", 30)
    assert "  Call Trace:\n   <TASK>\n   old_copy_page_to_kvec buggy.c:31\n" in recorded["report"]


def test_schema_rejects_absolute_paths_and_unknown_fields(recorded, schema):
    bad = copy.deepcopy(recorded["details"])
    bad["sites"][0]["trace"][0]["file"] = "/work/subjects/buggy.c"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    bad = copy.deepcopy(recorded["details"])
    bad["address"] = "0x1234"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_render_follows_every_field(recorded):
    d = copy.deepcopy(recorded["details"])
    d["events"][0]["site"] = "other.c:7"
    d["details"] = ["slot stack of main (top first):"]
    text = report_text.render(d)
    assert text != recorded["report"]
    assert "other.c:7" in text and "  slot stack of main (top first):\n" in text


def test_event_line_pads_as_printf():
    e = {"seq": 12, "context": "main", "cpu": -1, "kind": "map", "site": "buggy.c:30", "detail": "kmap_local_page pfn 3"}
    assert report_text.event_line(e) == "    #12    %-22s cpu-1 %-12s%-20s kmap_local_page pfn 3\n" % ("main", "map", "buggy.c:30")


def test_document(recorded, tmp_path):
    doc = report_json.document(recorded)
    assert doc["verdict"] == "report" and doc["class"] == "kmap-overrun"
    assert doc["report"] == recorded["details"] and doc["text"] == recorded["report"]
    assert doc["replay"] == recorded["details"]["replay"]
    out = tmp_path / "r.json"
    report_json.write(str(out), doc)
    assert json.loads(out.read_text()) == doc
    clean = report_json.document(None)
    assert clean["verdict"] == "clean" and clean["report"] is None
