"""Index snapshots and report jobs through the API."""

from django.urls import reverse

from reports.models import JobState, ReportJob
from reports.tasks import snapshot_recompute

JOBS = "/api/v1/report-jobs/"


def job_request(world, **changes):
    return {
        "period": world.period.id,
        "basis": "validated",
        "kind": "opd",
        "opd": world.opd.id,
        "format": "pdf",
        **changes,
    }


def test_snapshots_filter_by_instansi_year_and_basis(api_world, api_as):
    client = api_as("leadership")
    query = {"instansi": api_world.instansi.code, "year": api_world.period.year, "basis": "self"}
    body = client.get(reverse("api:snapshot-list"), query).json()
    assert [s["id"] for s in body["results"]] == [api_world.snapshot.id]
    assert body["results"][0]["missing"] == ["x"] and body["results"][0]["complete"] is False
    assert (
        client.get(reverse("api:snapshot-list"), {**query, "basis": "final"}).json()["count"] == 0
    )


def test_recompute_enqueues_one_run_after_commit(
    api_world, api_as, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(snapshot_recompute, "delay", queued.append)
    url = reverse("api:period-recompute", args=[api_world.period.id])
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as("leadership").post(url)
    assert response.status_code == 202
    assert queued == [api_world.period.id]


def test_the_same_idempotency_key_gives_the_same_job(api_world, api_as):
    client = api_as("officer")
    first = client.post(JOBS, job_request(api_world), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(JOBS, job_request(api_world), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    other = client.post(JOBS, job_request(api_world), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert first.json()["id"] == again.json()["id"] != other.json()["id"]
    assert first["Location"] == reverse("api:report-job-detail", args=[first.json()["id"]])
    assert ReportJob.objects.filter(requested_by=api_world.people["officer"]).count() == 2


def test_without_a_key_every_post_is_a_new_job(api_world, api_as):
    client = api_as("officer")
    ids = {client.post(JOBS, job_request(api_world), format="json").json()["id"] for _ in range(2)}
    assert len(ids) == 2


def test_an_overlong_key_and_bad_choices_are_400(api_world, api_as):
    client = api_as("leadership")
    long_key = client.post(
        JOBS, job_request(api_world), format="json", HTTP_IDEMPOTENCY_KEY="k" * 101
    )
    assert long_key.status_code == 400 and "Idempotency-Key" in long_key.json()["errors"]
    bad = client.post(JOBS, job_request(api_world, format="doc", basis="x"), format="json")
    assert bad.status_code == 400 and {"format", "basis"} <= set(bad.json()["errors"])
    no_opd = client.post(JOBS, job_request(api_world, opd=None), format="json")
    assert no_opd.status_code == 400


def test_an_officer_may_not_request_the_instansi_report(api_world, api_as):
    response = api_as("officer").post(
        JOBS, job_request(api_world, kind="instansi", opd=None), format="json"
    )
    assert response.status_code == 403
    assert not ReportJob.objects.filter(requested_by=api_world.people["officer"]).exists()


def test_status_and_download(api_world, api_as):
    client = api_as("officer")
    created = client.post(JOBS, job_request(api_world), format="json").json()
    assert created["state"] == JobState.QUEUED and created["download_url"] is None
    queued = client.get(reverse("api:report-job-download", args=[created["id"]]))
    assert queued.status_code == 409
    done = client.get(reverse("api:report-job-detail", args=[api_world.job.public_id])).json()
    assert done["state"] == "done"
    response = client.get(done["download_url"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK\x03\x04 report"
    assert response["Content-Disposition"].startswith("attachment")


def test_list_filters_by_state(api_world, api_as):
    client = api_as("leadership")
    client.post(JOBS, job_request(api_world), format="json")
    assert client.get(JOBS, {"state": "done"}).json()["count"] == 1
    assert client.get(JOBS, {"state": "queued"}).json()["count"] == 1
    assert client.get(JOBS, {"period": api_world.period.id}).json()["count"] == 2
