"""``POST /api/outlook``: the invitation outlook of a posted profile or CRS."""

from __future__ import annotations


def test_the_outlook_of_a_profile(client, example) -> None:
    response = client.post("/api/outlook?as_of=2026-08-10", json=example)
    assert response.status_code == 200, response.text
    doc = response.json()
    assert doc["profile_id"] == example["profile_id"]
    assert set(doc["probability"]) == {"1", "3", "6", "12"}
    values = [doc["probability"][m] for m in ("1", "3", "6", "12")]
    assert values == sorted(values)  # an invitation within 1 month is within 12 too
    assert all(0 <= v <= 1 for v in values)
    assert doc["assumptions"]["as_of"] == "2026-08-10"
    assert doc["assumptions"]["last_round"]


def test_the_outlook_of_a_crs_and_what_it_meets(client) -> None:
    low = client.post("/api/outlook?as_of=2026-08-10", json={"crs": 300, "programs": ["cec"]})
    high = client.post("/api/outlook?as_of=2026-08-10", json={"crs": 560, "programs": ["cec"]})
    assert low.status_code == high.status_code == 200
    assert low.json()["probability"]["6"] < high.json()["probability"]["6"]
    french = client.post(
        "/api/outlook?as_of=2026-08-10",
        json={"crs": 420, "programs": ["fsw"], "categories": ["french_language_proficiency"]},
    )
    plain = client.post("/api/outlook?as_of=2026-08-10", json={"crs": 420, "programs": ["fsw"]})
    assert french.json()["probability"]["12"] > plain.json()["probability"]["12"]


def test_bad_input_is_a_problem_naming_the_field(client) -> None:
    for body, field in [
        ({"crs": 5000}, "crs"),
        ({"crs": 400, "programs": ["xyz"]}, "programs"),
        ({"crs": 400, "categories": ["astronauts"]}, "categories"),
        ({"crs": 400, "colour": "blue"}, "colour"),
    ]:
        response = client.post("/api/outlook", json=body)
        assert response.status_code == 422, body
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["errors"][0]["field"] == field
    early = client.post("/api/outlook?as_of=2015-01-02", json={"crs": 400})
    assert early.status_code == 422
    assert early.json()["errors"][0]["field"] == "as_of"
