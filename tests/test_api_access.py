"""Every API route × every kind of caller.

The routes are read from the URL resolver, so a route added under /api/v1/
without a row in ROUTES fails `test_every_route_is_covered`. Anonymous
callers get 401; people who may not see an object get 404 (or 403 where
they see it but may not act); lists answer 200 but never contain another
OPD's or instansi's objects."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments.models import ApiToken
from tests.pdf_samples import MINIMAL_PDF

ACTORS = ("officer", "other_officer", "reviewer", "leadership", "administrator", "foreign")
INSIDERS = ("officer", "reviewer", "leadership", "administrator")
WIDE = ("reviewer", "leadership", "administrator")
# Any readable PDF will do: the evidence check parses it.
PDF = MINIMAL_PDF


@dataclass
class Route:
    """`ok`: actors that succeed (with `ok_status`); the rest get one of
    `refused` (a dict actor -> status, default 404). For lists, `sees(w, body)`
    tells whether the world's owned object is in the body; only `ok` may see it."""

    url: callable
    ok: tuple = INSIDERS
    ok_status: int = 200
    refused: dict = field(default_factory=dict)
    body: callable = None
    headers: callable = None
    sees: callable = None
    fmt: str = "json"


def ids(body):
    return {str(item.get("id")) for item in body.get("results", [])}


def etag(w, answer):
    return {"HTTP_IF_MATCH": f'"{answer.version}"'}


def item_of(w) -> int:
    """An evidence item on the submitted answer's indicator. Created only in
    the world of the route that needs it: items put the whole framework in
    item mode, which changes how the other routes behave."""
    from indicators.models import EvidenceItem

    item, _created = EvidenceItem.objects.get_or_create(
        indicator=w.submitted.indicator,
        position=1,
        defaults={"level": 1, "text": "SK tim", "kind": "main"},
    )
    return item.id


def validated_again(w):
    """Reopening changes the answer; each allowed caller meets it validated."""
    from assessments.models import Answer, AnswerState

    Answer.objects.filter(pk=w.validated.pk).update(state=AnswerState.VALIDATED, validated_level=2)
    return w.validated.public_id


def upload(w):
    return {"answer": str(w.draft.public_id), "file": SimpleUploadedFile("bukti.pdf", PDF)}


ROUTES: dict[tuple[str, str], Route] = {
    # The framework catalogue and the calculator are public to every signed-in user.
    ("framework-list", "get"): Route(lambda w: reverse("api:framework-list"), ok=ACTORS),
    ("framework-detail", "get"): Route(
        lambda w: reverse("api:framework-detail", args=[w.framework.code]), ok=ACTORS
    ),
    ("calculator", "post"): Route(
        lambda w: reverse("api:calculator"),
        ok=(),
        refused=dict.fromkeys(ACTORS, 400),  # unknown framework: bad input for everyone alike
        body=lambda w: {"framework": "tidak-ada", "levels": {}},
    ),
    ("instansi-list", "get"): Route(
        lambda w: reverse("api:instansi-list"),
        ok=(*INSIDERS, "other_officer"),
        sees=lambda w, b: w.instansi.code in {i["code"] for i in b["results"]},
    ),
    ("instansi-detail", "get"): Route(
        lambda w: reverse("api:instansi-detail", args=[w.instansi.code]),
        ok=(*INSIDERS, "other_officer"),
    ),
    ("opd-list", "get"): Route(
        lambda w: reverse("api:opd-list"), sees=lambda w, b: str(w.opd.id) in ids(b)
    ),
    ("opd-detail", "get"): Route(lambda w: reverse("api:opd-detail", args=[w.opd.id])),
    ("period-list", "get"): Route(
        lambda w: reverse("api:period-list"),
        ok=(*INSIDERS, "other_officer"),
        sees=lambda w, b: str(w.period.id) in ids(b),
    ),
    ("period-detail", "get"): Route(
        lambda w: reverse("api:period-detail", args=[w.period.id]),
        ok=(*INSIDERS, "other_officer"),
    ),
    ("period-recompute", "post"): Route(
        lambda w: reverse("api:period-recompute", args=[w.period.id]),
        ok=WIDE,
        ok_status=202,
        refused={"officer": 403, "other_officer": 403},
    ),
    ("assignment-list", "get"): Route(
        lambda w: reverse("api:assignment-list"),
        sees=lambda w, b: str(w.draft_assignment.id) in ids(b),
    ),
    ("answer-list", "get"): Route(
        lambda w: reverse("api:answer-list"), sees=lambda w, b: str(w.draft.public_id) in ids(b)
    ),
    ("answer-detail", "get"): Route(
        lambda w: reverse("api:answer-detail", args=[w.draft.public_id])
    ),
    ("answer-detail", "patch"): Route(
        lambda w: reverse("api:answer-detail", args=[w.draft.public_id]),
        ok=("officer",),
        refused=dict.fromkeys(WIDE, 403),
        body=lambda w: {"proposed_level": 4},
        headers=lambda w: etag(w, w.draft),
    ),
    ("answer-submit", "post"): Route(
        lambda w: reverse("api:answer-submit", args=[w.draft.public_id]),
        ok=("officer",),
        refused=dict.fromkeys(WIDE, 403),
        headers=lambda w: etag(w, w.draft),
    ),
    ("answer-withdraw", "post"): Route(
        lambda w: reverse("api:answer-withdraw", args=[w.submitted.public_id]),
        ok=("officer",),
        refused=dict.fromkeys(WIDE, 403),
    ),
    ("answer-reopen", "post"): Route(
        lambda w: reverse("api:answer-reopen", args=[validated_again(w)]),
        ok=("reviewer", "administrator"),
        refused={"officer": 403, "leadership": 403},
        body=lambda w: {"reason": "Bukti baru dari OPD perlu dinilai."},
    ),
    ("answer-events", "get"): Route(
        lambda w: reverse("api:answer-events", args=[w.draft.public_id])
    ),
    ("answer-submit-all", "post"): Route(
        lambda w: reverse("api:answer-submit-all"),
        ok=("officer",),
        refused={**dict.fromkeys(WIDE, 403), "foreign": 404},
        body=lambda w: {"period": w.period.id},
        sees=lambda w, b: str(w.draft.public_id) in b["submitted"],
    ),
    ("answer-accept", "post"): Route(
        lambda w: reverse("api:answer-accept", args=[w.submitted.public_id]),
        ok=("reviewer",),
        refused={"officer": 403, "leadership": 403, "administrator": 403},
        body=lambda w: {},
    ),
    ("answer-adjust", "post"): Route(
        lambda w: reverse("api:answer-adjust", args=[w.submitted.public_id]),
        ok=("reviewer",),
        refused={"officer": 403, "leadership": 403, "administrator": 403},
        body=lambda w: {"level": 3, "justification": "Reviu belum ada."},
    ),
    ("answer-return", "post"): Route(
        lambda w: reverse("api:answer-return", args=[w.submitted.public_id]),
        ok=("reviewer",),
        refused={"officer": 403, "leadership": 403, "administrator": 403},
        body=lambda w: {"reason": "evidence_missing", "comment": "Unggah SK."},
    ),
    ("answer-item-decision", "post"): Route(
        lambda w: reverse("api:answer-item-decision", args=[w.submitted.public_id, item_of(w)]),
        ok=("reviewer",),
        refused={"officer": 403, "leadership": 403, "administrator": 403},
        # Returning needs no evidence on the item (accepting does).
        body=lambda w: {"decision": "returned", "comment": "Unggah SK tim."},
    ),
    ("answer-accept-bulk", "post"): Route(
        lambda w: reverse("api:answer-accept-bulk"),
        ok=("reviewer",),
        refused={"officer": 403, "leadership": 403, "administrator": 403},
        body=lambda w: {"answers": [str(w.submitted.public_id)]},
    ),
    ("evidence-list", "get"): Route(
        lambda w: reverse("api:evidence-list"),
        sees=lambda w, b: str(w.evidence.public_id) in ids(b),
    ),
    ("evidence-list", "post"): Route(
        lambda w: reverse("api:evidence-list"),
        ok=("officer",),
        ok_status=201,
        refused=dict.fromkeys(WIDE, 403),
        body=upload,
        fmt="multipart",
    ),
    ("evidence-detail", "get"): Route(
        lambda w: reverse("api:evidence-detail", args=[w.evidence.public_id])
    ),
    ("evidence-detail", "delete"): Route(
        lambda w: reverse("api:evidence-detail", args=[w.evidence.public_id]),
        ok=("officer",),
        refused=dict.fromkeys(WIDE, 403),
    ),
    ("evidence-link-list", "get"): Route(
        lambda w: reverse("api:evidence-link-list"),
        sees=lambda w, b: str(w.link.public_id) in ids(b),
    ),
    ("evidence-link-list", "post"): Route(
        lambda w: reverse("api:evidence-link-list"),
        ok=("officer",),
        ok_status=201,
        refused=dict.fromkeys(WIDE, 403),
        body=lambda w: {"answer": str(w.draft.public_id), "url": "https://example.org/"},
    ),
    ("evidence-link-detail", "get"): Route(
        lambda w: reverse("api:evidence-link-detail", args=[w.link.public_id])
    ),
    ("evidence-link-detail", "delete"): Route(
        lambda w: reverse("api:evidence-link-detail", args=[w.link.public_id]),
        ok=("officer",),
        refused=dict.fromkeys(WIDE, 403),
    ),
    ("evidence-download", "get"): Route(
        lambda w: reverse("api:evidence-download", args=[w.evidence.public_id])
    ),
    ("snapshot-list", "get"): Route(
        lambda w: reverse("api:snapshot-list"),
        ok=WIDE,
        sees=lambda w, b: str(w.snapshot.id) in ids(b),
    ),
    ("snapshot-detail", "get"): Route(
        lambda w: reverse("api:snapshot-detail", args=[w.snapshot.id]), ok=WIDE
    ),
    ("report-job-list", "get"): Route(
        lambda w: reverse("api:report-job-list"),
        sees=lambda w, b: str(w.job.public_id) in ids(b),
    ),
    ("report-job-list", "post"): Route(
        lambda w: reverse("api:report-job-list"),
        ok_status=201,
        body=lambda w: {
            "period": w.period.id,
            "basis": "self",
            "kind": "opd",
            "opd": w.opd.id,
            "format": "xlsx",
        },
    ),
    ("report-job-detail", "get"): Route(
        lambda w: reverse("api:report-job-detail", args=[w.job.public_id])
    ),
    ("report-job-download", "get"): Route(
        lambda w: reverse("api:report-job-download", args=[w.job.public_id])
    ),
}


def api_routes() -> set[tuple[str, str]]:
    """(url name, method) of every view mounted under /api/v1/."""
    found = set()

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and namespace == "api":
                view = p.callback.view_class
                for method in view.http_method_names:
                    if method not in ("options", "head") and hasattr(view, method):
                        found.add((p.name, method))

    walk(get_resolver().url_patterns, None)
    return found


def test_every_route_is_covered():
    routes = api_routes()
    assert routes, "no API routes found"
    assert routes == set(ROUTES), {
        "without a row in ROUTES": routes - set(ROUTES),
        "rows without a route": set(ROUTES) - routes,
    }


def call(client, method, route, world):
    kwargs = dict(route.headers(world) if route.headers else {})
    if route.body is not None:
        kwargs["data"] = route.body(world)
        kwargs["format"] = route.fmt
    return getattr(client, method)(route.url(world), **kwargs)


def check_anonymous(route, method, world, api_as):
    response = call(api_as(None), method, route, world)
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == "Bearer"
    assert set(response.json()) == {"detail", "errors"}
    client = api_as(None)
    client.credentials(HTTP_AUTHORIZATION="Bearer " + "x" * 43)
    assert call(client, method, route, world).status_code == 401


def check_actor(route, method, world, client, actor):
    response = call(client, method, route, world)
    if actor in route.ok:
        expected = route.ok_status
    else:
        # Where `sees` is given, those not allowed get an answer without it.
        expected = route.refused.get(actor, 200 if route.sees else 404)
    assert response.status_code == expected, (actor, response.content)
    if route.sees is not None and response.status_code == 200:
        assert route.sees(world, response.json()) == (actor in route.ok), actor
    elif response.status_code >= 400 and response["Content-Type"] == "application/json":
        assert set(json.loads(response.content)) == {"detail", "errors"}, actor


@pytest.mark.parametrize(("name", "method"), sorted(ROUTES))
def test_route_by_caller(api_world, api_as, name, method):
    """One world per route: those refused go first (a refusal changes
    nothing), then those allowed, so every call meets the same state."""
    route = ROUTES[(name, method)]
    check_anonymous(route, method, api_world, api_as)
    for actor in sorted(ACTORS, key=lambda a: a in route.ok):
        check_actor(route, method, api_world, api_as(actor), actor)


def test_a_revoked_token_is_refused(api_world, api_as):
    ApiToken.objects.filter(user=api_world.people["officer"]).update(revoked_at="2026-01-01T00:00Z")
    response = api_as("officer").get(reverse("api:answer-list"))
    assert response.status_code == 401


def test_unknown_api_paths_are_a_json_404_after_authentication(api_world, api_as):
    assert api_as(None).get("/api/v1/tidak-ada/").status_code == 401
    for method in ("get", "post", "patch", "delete"):
        response = getattr(api_as("officer"), method)("/api/v1/frameworks/%C2%AF%23/")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert set(response.json()) == {"detail", "errors"}
