"""The public endpoints answer exactly what the Python API computes."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest

from expressentry.eligibility.assess import assess
from expressentry.profile.model import parse_profile
from expressentry.rounds import history
from expressentry.rules import noc
from expressentry.rules.categories import default_categories
from expressentry.scoring.crs import score
from expressentry.scoring.explain import explain
from expressentry.scoring.whatif import improve, what_if

DATES = ["2015-01-01", "2016-12-01", "2018-06-01", "2021-01-15", "2025-06-01"]
SCORE_KEYS = {"total", "as_of", "core", "spouse", "transferability", "additional"}
ELIGIBILITY_KEYS = {"as_of", "express_entry_eligible", "programs", "categories"}


@pytest.mark.parametrize("as_of", DATES)
def test_score_equals_the_python_api(client, example_text, as_of):
    on = dt.date.fromisoformat(as_of)
    expected = score(parse_profile(example_text), on)
    r = client.post(f"/api/score?as_of={as_of}", content=example_text)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert {k: body[k] for k in SCORE_KEYS} == expected.document()
    assert set(body) == SCORE_KEYS | {"rules_version"}
    assert body["as_of"] == as_of
    assert body["rules_version"] == expected.rules_version


def test_score_defaults_to_today(client, example_text):
    body = client.post("/api/score", content=example_text).json()
    assert body["as_of"] == dt.date.today().isoformat()


def test_score_with_explain_has_a_trace_of_every_rule(client, example_text):
    on = dt.date(2025, 6, 1)
    expected = explain(score(parse_profile(example_text), on))
    body = client.post("/api/score?as_of=2025-06-01&explain=true", content=example_text).json()
    trace = body["trace"]
    assert len(trace) == len(expected)
    assert {tuple(line) for line in trace} == {
        ("block", "factor", "points", "fact", "rule", "since", "reference")
    }
    assert [(t["block"], t["factor"], t["points"], t["rule"]) for t in trace] == [
        (x.block, x.factor, x.points, x.rule) for x in expected
    ]
    for line in trace:
        assert line["rule"] and line["reference"]
        # a rule no longer in force (job offer points, removed 2025-03-25) says so
        assert line["since"] or line["reference"] == "not in force on this date"
    # the trace adds up to the total
    assert sum(t["points"] for t in trace) == body["total"]


@pytest.mark.parametrize("as_of", DATES)
def test_eligibility_equals_the_python_api(client, example_text, as_of):
    on = dt.date.fromisoformat(as_of)
    expected = assess(parse_profile(example_text), on).document()
    r = client.post(f"/api/eligibility?as_of={as_of}", content=example_text)
    assert r.status_code == 200
    body = r.json()
    assert {k: body[k] for k in ELIGIBILITY_KEYS} == expected
    assert set(body) == ELIGIBILITY_KEYS | {"rules_version", "category_versions"}
    assert set(body["category_versions"]) == set(body["categories"])
    assert body["rules_version"] == score(parse_profile(example_text), on).rules_version


def test_what_if(client, example):
    on = dt.date(2025, 6, 1)
    changes = ["language.first=CLB10", "provincial_nomination=yes"]
    expected = what_if(parse_profile(json.dumps(example)), on, changes)
    r = client.post("/api/what-if?as_of=2025-06-01", json={"profile": example, "changes": changes})
    assert r.status_code == 200
    body = r.json()
    assert body["as_of"] == "2025-06-01"
    assert body["changes"] == changes
    assert body["gain"] == expected.gain > 0
    assert {k: body["before"][k] for k in SCORE_KEYS} == expected.before.document()
    assert {k: body["after"][k] for k in SCORE_KEYS} == expected.after.document()
    assert body["rules_version"] == expected.before.rules_version


def test_improve(client, example_text):
    on = dt.date(2025, 6, 1)
    base, suggestions = improve(parse_profile(example_text), on, limit=3)
    r = client.post("/api/improve?as_of=2025-06-01&limit=3", content=example_text)
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == base.total
    assert body["as_of"] == "2025-06-01"
    assert body["rules_version"] == base.rules_version
    assert [s["change"] for s in body["suggestions"]] == [s.change for s in suggestions]
    assert [s["gain"] for s in body["suggestions"]] == sorted(
        (s["gain"] for s in body["suggestions"]), reverse=True
    )


# --- categories ----------------------------------------------------------------------------


def test_categories_in_force(client):
    on = dt.date(2025, 6, 1)
    body = client.get("/api/categories?as_of=2025-06-01").json()
    assert body["as_of"] == "2025-06-01"
    assert body["rules_version"]
    slugs = [c["slug"] for c in body["categories"]]
    assert slugs == [v.slug for v in default_categories().in_force(on)]
    stem = next(c for c in body["categories"] if c["slug"] == "stem")
    assert stem["year"] == 2025 and stem["occupations"] == 11 and stem["rules"]


def _stem(client, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    r = client.get(f"/api/categories/stem?as_of=2025-06-01&{query}")
    assert r.status_code == 200, r.text
    return r.json()


def test_category_rules_in_words(client):
    body = _stem(client)
    assert body["slug"] == "stem" and body["year"] == 2025
    assert any("months of full-time work" in rule for rule in body["rules"])
    assert body["reference"]["title"]


def test_category_table_pages_as_canada_ca_does(client):
    """Showing 1 to 10 of 11 entries; then 11 to 11 of 11 entries."""
    first = _stem(client)["table"]
    assert (first["first"], first["last"], first["total"]) == (1, 10, 11)
    assert first["pages"] == 2 and len(first["items"]) == 10 and first["listed"] == 11
    second = _stem(client, page=2)["table"]
    assert (second["first"], second["last"], second["total"]) == (11, 11, 11)
    assert len(second["items"]) == 1
    codes = [i["noc"] for i in first["items"] + second["items"]]
    version = default_categories().version_at("stem", dt.date(2025, 6, 1))
    assert codes == [o.code for o in version.occupations()]
    beyond = _stem(client, page=3)["table"]
    assert beyond["items"] == [] and (beyond["first"], beyond["last"]) == (0, 0)


@pytest.mark.parametrize("page_size", [1, 3, 5, 10, 25, 100])
def test_category_page_sizes(client, page_size):
    table = _stem(client, page_size=page_size)["table"]
    assert table["pages"] == math.ceil(11 / page_size)
    assert table["last"] == min(page_size, 11)
    seen = []
    for page in range(1, table["pages"] + 1):
        seen += [i["noc"] for i in _stem(client, page_size=page_size, page=page)["table"]["items"]]
    assert len(seen) == len(set(seen)) == 11


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("noc", lambda i: i["noc"]),
        ("occupation", lambda i: noc.fold(i["occupation"])),
        ("teer", lambda i: (i["teer"], i["noc"])),
    ],
)
def test_category_sort(client, sort, key):
    items = _stem(client, sort=sort, page_size=100)["table"]["items"]
    assert items == sorted(items, key=key)
    desc = _stem(client, sort=sort, order="desc", page_size=100)["table"]["items"]
    assert [key(i) for i in desc] == sorted((key(i) for i in items), reverse=True)


def test_category_filter(client):
    table = _stem(client, filter="engineers")["table"]
    assert 0 < table["total"] < 11 and table["listed"] == 11
    assert all("engineers" in i["occupation"].lower() for i in table["items"])
    by_code = _stem(client, filter="21231")["table"]
    assert [i["noc"] for i in by_code["items"]] == ["21231"] or by_code["total"] == 0
    none = _stem(client, filter="zzzz-no-such-thing")["table"]
    assert (none["total"], none["first"], none["last"], none["items"]) == (0, 0, 0, [])
    assert none["pages"] == 1


def test_category_without_occupation_list(client):
    r = client.get("/api/categories/french_language_proficiency?as_of=2025-06-01")
    assert r.status_code == 200
    table = r.json()["table"]
    assert (table["total"], table["first"], table["last"]) == (0, 0, 0)


# --- NOC, history --------------------------------------------------------------------------


def test_noc_search(client):
    body = client.get("/api/noc?q=software&limit=20").json()
    assert [i["code"] for i in body["items"]] == [g.code for g in noc.search("software", 20)]
    assert body["count"] == len(body["items"]) > 0
    assert body["items"][0]["teer"] == 1
    by_code = client.get("/api/noc?q=2123").json()
    assert all(i["code"].startswith("2123") for i in by_code["items"])
    assert client.get("/api/noc?q=a&limit=2").json()["count"] == 2
    assert client.get("/api/noc?q=%20%20").json()["items"] == []


def test_history_rounds(client):
    body = client.get("/api/history/rounds?year=2024").json()
    expected = history.rounds(2024)
    assert body["total"] == len(expected) > 0
    assert body["rounds"] == [r.document() for r in expected]
    cec = client.get("/api/history/rounds?program=cec").json()
    assert cec["total"] > 0 and all(r["program"] == "cec" for r in cec["rounds"])
    stem = client.get("/api/history/rounds?category=stem&type=category").json()
    assert stem["total"] > 0 and all(r["category"] == "stem" for r in stem["rounds"])


def test_history_round_by_number(client):
    last = history.rounds()[-1]
    body = client.get(f"/api/history/rounds/{last.draw_number}").json()
    assert body["rounds"] == [last.document()]
    both = client.get("/api/history/rounds/91").json()
    assert [r["draw_number"] for r in both["rounds"]] == ["91a", "91b"]


def test_openapi_and_docs(client):
    doc = client.get("/openapi.json").json()
    for path in [
        "/api/score",
        "/api/eligibility",
        "/api/what-if",
        "/api/improve",
        "/api/categories",
        "/api/categories/{slug}",
        "/api/noc",
        "/api/history/rounds",
        "/api/history/rounds/{number}",
    ]:
        assert path in doc["paths"]
    assert "Profile" in doc["components"]["schemas"]
    score_op = doc["paths"]["/api/score"]["post"]
    assert "application/problem+json" in score_op["responses"]["422"]["content"]
    assert client.get("/docs").status_code == 200


def test_recent_rounds_compare_a_profile_with_the_real_rounds(client, example):
    """Issue 17: the API answers "is my score enough?" as the score page does."""
    from expressentry.rounds.context import compare

    answer = client.post("/api/recent-rounds?as_of=2026-08-31", json=example)
    assert answer.status_code == 200, answer.text
    doc = answer.json()
    expected = compare(parse_profile(json.dumps(example)), dt.date(2026, 8, 31)).document()
    assert doc == expected
    assert doc["rounds"] == len(doc["outcomes"]) > 0
    bad = client.post("/api/recent-rounds", json={"date_of_birth": "x"})
    assert bad.status_code == 422
