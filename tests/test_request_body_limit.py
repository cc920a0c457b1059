"""Request bodies are refused from their Content-Length before anything reads
them: a small limit everywhere, a larger one on the upload routes; the
refusal is a translated 413, and nothing is stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import EvidenceFile
from tests.pdf_samples import MINIMAL_PDF

pytestmark = pytest.mark.django_db

GIGABYTE = str(1024**3)


class UnreadableBody:
    """A request body that must not be read."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_anonymous_gigabyte_post_to_login_is_refused_unread(client):
    response = client.generic(
        "POST",
        reverse("login"),
        b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=GIGABYTE,
        **{"wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 413
    body = response.content.decode()
    assert "terlalu besar" in body and "1,0" in body  # "1,0 MB", the Indonesian way
    assert response["Connection"] == "close"


def test_refusal_is_translated(client):
    client.cookies["django_language"] = "en"
    response = client.generic(
        "POST", reverse("login"), b"", CONTENT_LENGTH=GIGABYTE, **{"wsgi.input": UnreadableBody()}
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()


def test_api_refusal_has_the_common_error_body(api_world, api_as):
    response = api_as("officer").generic(
        "POST",
        reverse("api:evidence-link-list"),
        b"",
        content_type="application/json",
        CONTENT_LENGTH=str(2 * 1024 * 1024),
        **{"wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 413
    assert response.json()["errors"] == {}
    assert "terlalu besar" in response.json()["detail"]


def test_bodies_under_the_limit_pass(client, officer_world):
    response = client.post(reverse("login"), {"username": "x", "password": "y" * 1000})
    assert response.status_code == 200  # the form, with its error


@pytest.fixture
def small_limits(settings):
    settings.REQUEST_MAX_BYTES = 64 * 1024
    settings.UPLOAD_ROUTES_MAX_BYTES = {
        **settings.UPLOAD_ROUTES_MAX_BYTES,
        "assessments:evidence_upload": 256 * 1024,
    }


def upload(client, answer, data):
    url = reverse("assessments:evidence_upload", kwargs={"public_id": answer.public_id})
    return client.post(url, {"files": [SimpleUploadedFile("besar.pdf", data)]})


def test_upload_route_takes_more_than_the_small_limit(
    client, officer_world, evidence_storage, small_limits
):
    client.force_login(officer_world.officer)
    data = MINIMAL_PDF + b"%" * (100 * 1024)  # a comment line: still a plain PDF
    response = upload(client, officer_world.answer, data)
    assert response.status_code == 302, response.content.decode()[:300]
    assert EvidenceFile.objects.get().size == len(data)


def test_upload_route_refuses_more_than_the_upload_limit(
    client, officer_world, evidence_storage, small_limits
):
    client.force_login(officer_world.officer)
    response = upload(client, officer_world.answer, MINIMAL_PDF + b"%" * (300 * 1024))
    assert response.status_code == 413
    assert "256,0\xa0KB" in response.content.decode()  # filesizeformat, the Indonesian way
    assert not EvidenceFile.objects.exists()
    assert not any(p.is_file() for p in evidence_storage.rglob("*"))


def test_other_routes_refuse_more_than_the_small_limit(client, officer_world, small_limits):
    client.force_login(officer_world.officer)
    url = reverse(
        "assessments:evidence_link_add", kwargs={"public_id": officer_world.answer.public_id}
    )
    response = client.post(url, {"url": "https://contoh.go.id/", "note": "x" * (70 * 1024)})
    assert response.status_code == 413
    assert not officer_world.answer.evidence_links.exists()


def test_level_import_takes_no_more_than_its_spreadsheet_limit(client, db, settings):
    from assessments.models import Role
    from tests.factories import EvaluationPeriodFactory, role_in

    period = EvaluationPeriodFactory()
    client.force_login(role_in(period.instansi, Role.ADMINISTRATOR))
    url = reverse(
        "manage:import_levels", kwargs={"code": period.instansi.code, "year": period.year}
    )
    response = client.generic(
        "POST",
        url,
        b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(7 * 1024 * 1024),
        **{"wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 413
    assert "6,0\xa0MB" in response.content.decode()


def test_every_upload_route_named_in_the_settings_exists(settings):
    from django.urls import URLPattern, URLResolver, get_resolver

    def names(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from names(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern) and entry.name:
                yield namespace + entry.name

    assert set(settings.UPLOAD_ROUTES_MAX_BYTES) <= set(names(get_resolver().url_patterns))
