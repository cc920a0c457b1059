"""The OpenAPI contract: drf-spectacular generates it without a single
warning and it validates as OpenAPI 3; every operation documents its errors."""

import io

import pytest
import yaml
from django.core.management import call_command


@pytest.fixture(scope="module")
def schema():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    return yaml.safe_load(out.getvalue())


def test_schema_validates_without_warnings(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }


def test_every_operation_documents_auth_errors(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if path.startswith("/api/v1/") and method in ("get", "post", "patch", "put", "delete"):
                assert {"401", "403"} <= set(operation["responses"]), (method, path)


def test_answer_updates_document_if_match_and_etag(schema):
    patch = schema["paths"]["/api/v1/answers/{public_id}/"]["patch"]
    assert any(p["name"] == "If-Match" and p["required"] for p in patch["parameters"])
    assert {"412", "428"} <= set(patch["responses"])
    assert "ETag" in patch["responses"]["200"]["headers"]
