"""Issue 14: dates and numbers out of range are refused naming the field (422), never a 500;
the as-of date and what-if values are bounded too."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

PROFILE_ENDPOINTS = ("/api/score", "/api/eligibility", "/api/improve")


def _with_job_end(example: dict[str, Any], end: str, spouse: bool) -> dict[str, Any]:
    doc = copy.deepcopy(example)
    holder = doc["spouse"] if spouse else doc
    holder["work_history"][0]["end"] = end
    return doc


@pytest.mark.parametrize("spouse", [False, True], ids=["principal", "spouse"])
@pytest.mark.parametrize("path", PROFILE_ENDPOINTS)
def test_a_job_ending_in_9999_is_refused_by_name(client, example, path, spouse) -> None:
    answer = client.post(path, json=_with_job_end(example, "9999-12-31", spouse))
    assert answer.status_code == 422, answer.text
    field = ("spouse." if spouse else "") + "work_history[0].end"
    errors = {e["field"]: e["reason"] for e in answer.json()["errors"]}
    assert "outside the dates a profile may hold" in errors[field]


def test_a_job_ending_in_9999_is_refused_by_what_if(client, example) -> None:
    body = {"profile": _with_job_end(example, "9999-12-31", False), "changes": ["canadian_work=3"]}
    answer = client.post("/api/what-if", json=body)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "profile.work_history[0].end"


@pytest.mark.parametrize("path", PROFILE_ENDPOINTS)
def test_infinite_and_nan_amounts_are_refused_as_not_finite(client, example, path) -> None:
    for raw in ("1e400", "-1e400", "NaN", "Infinity"):
        text = json.dumps(example)[:-1] + f', "settlement_funds_cad": {raw}}}'
        text = text.replace('"settlement_funds_cad": 32000,', "")
        answer = client.post(path, content=text, headers={"content-type": "application/json"})
        assert answer.status_code in (400, 422), (raw, answer.text)
        if answer.status_code == 422:
            errors = {e["field"]: e["reason"] for e in answer.json()["errors"]}
            assert "not a finite number" in errors["settlement_funds_cad"], raw


def test_a_huge_submission_time_is_refused(client, example) -> None:
    doc = dict(example, submitted_at="9999-12-31T23:59:59Z")
    answer = client.post("/api/score", json=doc)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "submitted_at"


def test_what_if_values_of_thousands_of_digits_are_refused(client, example) -> None:
    for change in (
        "canadian_work=" + "9" * 5000,
        "language.first=CLB" + "1" * 4400,
        "foreign_work=²",
    ):
        answer = client.post("/api/what-if", json={"profile": example, "changes": [change]})
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"][0]["field"] == "changes[0]"


@pytest.mark.parametrize("as_of", ["9999-12-31", "2100-01-01"])
def test_as_of_far_ahead_is_refused(client, example, as_of) -> None:
    for path in (*PROFILE_ENDPOINTS,):
        answer = client.post(f"{path}?as_of={as_of}", json=example)
        assert answer.status_code == 422
        (error,) = answer.json()["errors"]
        assert error["field"] == "as_of" and "five years ahead" in error["reason"]


def test_as_of_next_year_is_still_answered(client, example) -> None:
    import datetime as dt

    on = (dt.date.today() + dt.timedelta(days=365)).isoformat()
    assert client.post(f"/api/score?as_of={on}", json=example).status_code == 200


@pytest.mark.parametrize("page", ["/score", "/eligibility"])
def test_the_pages_refuse_a_job_ending_in_9999(client, example, page) -> None:
    import re

    form = client.get(page)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    pasted = json.dumps(_with_job_end(example, "9999-12-31", True))
    answer = client.post(page, data={"csrf_token": token, "profile_json": pasted})
    assert answer.status_code == 422, answer.status_code
    assert "outside the dates a profile may hold" in answer.text
    fields = {"csrf_token": token, "date_of_birth": "1990-01-01", "canada_noc": "21231",
              "canada_start": "2020-01-01", "canada_end": "9999-12-31", "canada_hours": "40"}  # fmt: skip
    answer = client.post(page, data=fields)
    assert answer.status_code < 500
