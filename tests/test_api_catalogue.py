"""The framework catalogue and the stateless calculator under /api/v1/."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from indicators.models import FrameworkVersion

KALTIM_2024 = (
    [4] * 7
    + [3] * 3
    + [4, 4, 3, 3, 4, 4, 3, 3, 3, 4]
    + [3] * 10
    + [1]
    + [4] * 9
    + [5]
    + [5, 5, 5, 5, 4, 4]
)


@pytest.fixture
def client_logged_in(django_user_model):
    user = django_user_model.objects.create_user("pembaca", password="rahasia-panjang-123")
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_anonymous_is_refused(spbe2020):
    response = APIClient().get(reverse("api:framework-list"))
    # 401 with WWW-Authenticate: Bearer since the API accepts tokens.
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}


def test_framework_detail_has_the_whole_hierarchy(spbe2020, client_logged_in):
    response = client_logged_in.get(reverse("api:framework-detail", args=["spbe-2020"]))
    assert response.status_code == 200
    body = response.json()
    assert [d["code"] for d in body["domains"]] == ["D1", "D2", "D3", "D4"]
    assert len(body["aspects"]) == 8
    assert len(body["indicators"]) == 47
    first = body["indicators"][0]
    assert first["code"] == "1" and first["aspect"] == "A1" and first["weight"] == "1.3000"
    assert set(first["criteria"]) == {"1", "2", "3", "4", "5"}


def test_framework_detail_query_count_is_fixed(
    spbe2020, client_logged_in, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        client_logged_in.get(reverse("api:framework-detail", args=["spbe-2020"]))


def test_calculator_reproduces_kaltim_2024_and_writes_nothing(spbe2020, client_logged_in):
    levels = {str(code): level for code, level in enumerate(KALTIM_2024, start=1)}
    before = FrameworkVersion.objects.get(code="spbe-2020").loaded_at
    response = client_logged_in.post(
        reverse("api:calculator"), {"framework": "spbe-2020", "levels": levels}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["index"] == "3.79"
    assert body["index_exact"] == "3.7885"
    assert body["predicate"] == "Sangat Baik"
    assert body["domains"] == {"D1": "3.70", "D2": "3.50", "D3": "2.82", "D4": "4.32"}
    assert FrameworkVersion.objects.get(code="spbe-2020").loaded_at == before


@pytest.mark.parametrize(
    ("change", "field"),
    [({"47": 6}, "levels.47"), ({"12": 0}, "levels.12"), ({"99": 3}, "levels.99")],
)
def test_calculator_names_the_bad_indicator(spbe2020, client_logged_in, change, field):
    levels = {str(code): 3 for code in range(1, 48)} | change
    response = client_logged_in.post(
        reverse("api:calculator"), {"framework": "spbe-2020", "levels": levels}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_calculator_missing_level_and_unknown_framework(spbe2020, client_logged_in):
    url = reverse("api:calculator")
    missing = client_logged_in.post(
        url, {"framework": "spbe-2020", "levels": {"1": 3}}, format="json"
    )
    assert missing.status_code == 400
    assert "levels.2" in missing.json()["errors"]
    unknown = client_logged_in.post(url, {"framework": "nope", "levels": {}}, format="json")
    assert unknown.status_code == 400
    assert "framework" in unknown.json()["errors"]


def test_schema_and_docs_are_served(client_logged_in, db):
    assert client_logged_in.get("/api/schema/").status_code == 200
    docs = client_logged_in.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
