"""Bad input: a 4xx RFC 9457 problem document naming the field, never a 500."""

from __future__ import annotations

import json

import pytest

PROFILE_ENDPOINTS = ["/api/score", "/api/eligibility", "/api/improve"]


def problem(r, status):
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert {"type", "title", "status", "detail", "errors"} <= set(body)
    assert body["status"] == status
    return body


def fields(body):
    return [e["field"] for e in body["errors"]]


@pytest.mark.parametrize("path", PROFILE_ENDPOINTS)
@pytest.mark.parametrize(
    "raw", [b"{", b"", b"   ", b'{"a": 1,}', b"\xff\xfe", b'{"x": NaN}', b"[" * 100_000]
)
def test_malformed_json_is_400(client, path, raw):
    body = problem(client.post(path, content=raw), 400)
    assert fields(body) == ["(body)"]


def test_malformed_json_names_line_and_column(client, example_text):
    body = problem(client.post("/api/score", content=example_text[:-3]), 400)
    assert "line" in body["errors"][0]["reason"] and "column" in body["errors"][0]["reason"]


@pytest.mark.parametrize("path", PROFILE_ENDPOINTS)
@pytest.mark.parametrize("value", [[], 3, "profile", None, True])
def test_body_not_an_object(client, path, value):
    body = problem(client.post(path, content=json.dumps(value)), 422)
    assert fields(body) == ["(profile)"]


@pytest.mark.parametrize("path", PROFILE_ENDPOINTS)
def test_unknown_field_is_named(client, example, path):
    example["sibling_in_Canada"] = True
    example["spouse"]["educaton"] = []
    body = problem(client.post(path, json=example), 422)
    assert set(fields(body)) == {"sibling_in_Canada", "spouse.educaton"}
    assert all("unknown field" in e["reason"] for e in body["errors"])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda p: p["language_tests"][0].update(listening="nine"), "language_tests[0].listening"),
        (lambda p: p["language_tests"][0].update(listening=True), "language_tests[0].listening"),
        (lambda p: p["language_tests"][1].update(reading=9999), "language_tests[1].reading"),
        (lambda p: p.update(date_of_birth="1996-02-30"), "date_of_birth"),
        (lambda p: p.update(date_of_birth=19960402), "date_of_birth"),
        (lambda p: p.update(marital_status="complicated"), "marital_status"),
        (lambda p: p["work_history"][0].update(noc="99999"), "work_history[0].noc"),
        (lambda p: p["work_history"][1].update(end="2010-01-01"), "work_history[1]"),
        (lambda p: p.update(settlement_funds_cad="lots"), "settlement_funds_cad"),
        (lambda p: p.update(family_size=[2]), "family_size"),
        (lambda p: p["education"][0].update(level="phd"), "education[0].level"),
        (lambda p: p.pop("date_of_birth"), "date_of_birth"),
    ],
)
def test_wrong_values_name_the_field(client, example, change, field):
    change(example)
    for path in PROFILE_ENDPOINTS:
        body = problem(client.post(path, json=example), 422)
        assert any(f == field or f.startswith(field + ".") for f in fields(body)), body


def test_same_paths_as_the_cli(client, example):
    """The API reports what parse_profile reports (the CLI's field paths and reasons)."""
    from expressentry.profile.model import ProfileError, parse_profile

    example["language_tests"][0]["listening"] = 13
    example["job_offer"] = {"noc": "21231", "lmia": "maybe"}
    with pytest.raises(ProfileError) as caught:
        parse_profile(json.dumps(example))
    body = problem(client.post("/api/score", json=example), 422)
    assert [(e["field"], e["reason"]) for e in body["errors"]] == caught.value.problems


@pytest.mark.parametrize("path", [*PROFILE_ENDPOINTS, "/api/categories"])
@pytest.mark.parametrize(
    ("as_of", "reason"),
    [
        ("2014-12-31", "before Express Entry"),
        ("2025-02-30", "not a date"),
        ("2025-6-1", "not a date"),
        ("yesterday", "not a date"),
        ("20250601", "not a date"),
        ("2025-06-01T00:00", "not a date"),
    ],
)
def test_bad_as_of(client, example_text, path, as_of, reason):
    if path == "/api/categories":
        r = client.get(path, params={"as_of": as_of})
    else:
        r = client.post(path, params={"as_of": as_of}, content=example_text)
    body = problem(r, 422)
    assert fields(body) == ["as_of"]
    assert reason in body["errors"][0]["reason"]


def test_oversized_body_is_413(client, example):
    example["padding"] = "x" * 300_000
    body = problem(client.post("/api/score", json=example), 413)
    assert fields(body) == ["(body)"]


def test_oversized_chunked_body_is_413(client):
    def chunks():
        for _ in range(40):
            yield b" " * 10_000

    problem(client.post("/api/score", content=chunks()), 413)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"changes": ["age=30"]}, "profile"),
        ({"profile": None, "changes": ["age=30"]}, "profile"),
        ({"profile": "EXAMPLE"}, "changes"),
        ({"profile": "EXAMPLE", "changes": "age=30"}, "changes"),
        ({"profile": "EXAMPLE", "changes": []}, "changes"),
        ({"profile": "EXAMPLE", "changes": ["age=30", 7]}, "changes[1]"),
        ({"profile": "EXAMPLE", "changes": ["age=30", "language.first=CLB99"]}, "changes[1]"),
        ({"profile": "EXAMPLE", "changes": ["nonsense"]}, "changes[0]"),
        ({"profile": "EXAMPLE", "changes": ["age=30"], "extra": 1}, "extra"),
        ({"profile": "BROKEN", "changes": ["age=30"]}, "profile.language_tests[0].listening"),
        ([1, 2], "(body)"),
    ],
)
def test_what_if_bad_input(client, example, body, field):
    if isinstance(body, dict) and body.get("profile") == "EXAMPLE":
        body["profile"] = example
    if isinstance(body, dict) and body.get("profile") == "BROKEN":
        example["language_tests"][0]["listening"] = "x"
        body["profile"] = example
    answer = problem(client.post("/api/what-if", json=body), 422)
    assert field in fields(answer)


def test_improve_bad_limit(client, example_text):
    body = problem(client.post("/api/improve?limit=0", content=example_text), 422)
    assert fields(body) == ["limit"]


def test_unknown_category_is_404(client):
    body = problem(client.get("/api/categories/no_such_category"), 404)
    assert fields(body) == ["slug"]


def test_category_not_in_force_is_404(client):
    body = problem(client.get("/api/categories/stem?as_of=2016-01-01"), 404)
    assert "not in force" in body["detail"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=x", "page"),
        ("page_size=0", "page_size"),
        ("page_size=5000", "page_size"),
        ("sort=salary", "sort"),
        ("order=up", "order"),
        ("filter=" + "x" * 300, "filter"),
    ],
)
def test_category_table_bad_parameters(client, query, field):
    body = problem(client.get(f"/api/categories/stem?as_of=2025-06-01&{query}"), 422)
    assert fields(body) == [field]


@pytest.mark.parametrize(
    ("query", "field"),
    [("", "q"), ("q=", "q"), ("q=a&limit=0", "limit"), ("q=a&limit=x", "limit")],
)
def test_noc_bad_parameters(client, query, field):
    body = problem(client.get(f"/api/noc?{query}"), 422)
    assert fields(body) == [field]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("year=abc", "year"),
        ("year=1999", "year"),
        ("type=lottery", "type"),
        ("program=xyz", "program"),
        ("category=nope", "category"),
        ("type=general&program=cec", "program"),
        ("program=cec&category=stem", "program category"),
    ],
)
def test_history_bad_filters(client, query, field):
    body = problem(client.get(f"/api/history/rounds?{query}"), 422)
    assert fields(body) == field.split()


@pytest.mark.parametrize("number", ["99999", "abc", "0"])
def test_unknown_round_is_404(client, number):
    body = problem(client.get(f"/api/history/rounds/{number}"), 404)
    assert fields(body) == ["number"]


def test_unknown_path_and_method(client):
    problem(client.get("/api/nothing-here"), 404)
    problem(client.get("/api/score"), 405)


@pytest.mark.parametrize(
    ("key", "value"),
    [("intends_to_live_in_quebec", 0), ("sibling_in_canada", "yes"), ("family_size", "2")],
)
def test_wrong_json_types_are_refused(client, example, key, value):
    example[key] = value
    body = problem(client.post("/api/score", json=example), 422)
    assert fields(body) == [key]
