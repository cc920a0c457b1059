"""WCAG 2.1 AA in the browser: axe-core on every HTML page, for every role.

The pages and who may open them come from the access matrix
(tests/test_access_matrix.py): every GET row, for every actor whose outcome
there is "served". Each page is audited at 1366x768 and on a 390 px phone, and
any serious or critical violation of the WCAG 2.0/2.1 A and AA rules fails.

axe-core is vendored in tests/vendor/axe-core (MPL-2.0; see docs/ACCESSIBILITY.md
for how to update it) and injected with `add_init_script`, which Chromium runs
in every frame before the page's own scripts without consulting the page's
Content-Security-Policy: the CSP stays on, so the audit also proves each page
works under it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import settled
from tests.test_access_matrix import ACTORS, NOT_PAGES, ROUTES, world  # noqa: F401

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}

# Known exceptions, each explained in docs/ACCESSIBILITY.md. Keys are
# (route name, axe rule id); an exception never hides another rule.
EXCEPTIONS: dict[tuple[str, str], str] = {}

# Pages saved as screenshots (test-artifacts/a11y-<page>-<viewport>.png) when
# audited as the actor named, to show the fixes.
SCREENSHOTS = {
    ("home", "officer"),
    ("notifications:list", "officer"),  # an unread notification
    ("review:detail", "reviewer"),
    ("api-docs", "anonymous"),
    ("404", "officer"),
}

# Pages outside the resolver's table that a user still meets.
EXTRA_PAGES = {"404": "/tidak-ada-halaman-ini/"}

AUDIT = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""

# Checks axe does not make. A description or label that points at a missing id
# is silently dropped by screen readers (axe only asks that one of several ids
# exist); a page wider than the screen breaks reflow (WCAG 1.4.10).
# (aria-controls may name a panel not yet drawn, as Swagger UI's do: harmless.)
OWN_CHECKS = """() => {
  const attributes = ["aria-describedby", "aria-labelledby"];
  const dangling = [];
  for (const el of document.querySelectorAll(attributes.map(a => `[${a}]`).join(","))) {
    for (const attribute of attributes) {
      for (const id of (el.getAttribute(attribute) || "").split(/\\s+/).filter(Boolean)) {
        const tag = el.tagName.toLowerCase();
        if (!document.getElementById(id)) dangling.push(`${tag}[${attribute}=${id}]`);
      }
    }
  }
  const wide = document.documentElement.scrollWidth > window.innerWidth;
  // The innermost elements sticking out on the right, to say what is too wide.
  const out = (el) => el.getBoundingClientRect().right > window.innerWidth + 1;
  const culprits = !wide ? [] : [...document.body.querySelectorAll("*")]
    .filter((el) => out(el) && ![...el.children].some(out))
    .slice(0, 3)
    .map((el) => el.tagName.toLowerCase() + (el.id ? `#${el.id}` : "") +
         [...el.classList].map((c) => `.${c}`).join(""));
  return {dangling, width: wide ? document.documentElement.scrollWidth : null, culprits};
}"""


def pages_and_viewers(w):
    """(name, url, actor) for every HTML page and every actor the matrix serves it to."""
    for name, route in sorted(ROUTES.items()):
        if name in NOT_PAGES:
            continue
        url = reverse(name, kwargs=route.url(w) or None)
        if route.query:
            url += "?" + "&".join(f"{k}={v}" for k, v in route.query(w).items())
        for actor, outcome in zip(ACTORS, route.get, strict=True):
            if outcome == "O":
                yield name, url, actor
    for name, url in EXTRA_PAGES.items():
        for actor in ("anonymous", "officer"):
            yield name, url, actor


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def audit(page, name) -> list[dict]:
    """Serious and critical axe violations, then this module's own checks, as one list."""
    found = [
        v
        for v in page.evaluate(AUDIT, WCAG_TAGS)
        if v["impact"] in FAILING_IMPACTS and (name, v["id"]) not in EXCEPTIONS
    ]
    own = page.evaluate(OWN_CHECKS)
    if own["dangling"]:
        nodes = [{"target": d, "summary": "no element has this id"} for d in own["dangling"]]
        found.append({"id": "dangling-idref", "impact": "serious", "help": "", "nodes": nodes})
    if own["width"]:
        summary = f"the page is {own['width']} px wide: {', '.join(own['culprits'])}"
        nodes = [{"target": "html", "summary": summary}]
        found.append({"id": "reflow", "impact": "serious", "help": "", "nodes": nodes})
    return found


def describe(violations) -> str:
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:8]:
            lines.append(f"      {node['target']}: {node['summary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_every_page_passes_axe_for_every_role(chromium, live_server, world, viewport):  # noqa: F811
    """One browser context per actor (axe injected once, the session cookie set);
    a page an actor is redirected to that was already audited is not done again
    (the login page sends a signed-in user home)."""
    script = AXE.read_text()
    by_actor: dict[str, list] = {}
    for name, url, actor in pages_and_viewers(world):
        by_actor.setdefault(actor, []).append((name, url))

    ARTIFACTS.mkdir(exist_ok=True)
    failures, refused, audited = [], [], 0
    for actor, pages in by_actor.items():
        context = chromium.new_context(
            viewport=VIEWPORTS[viewport], locale="id-ID", base_url=live_server.url
        )
        context.add_init_script(script=script)
        if actor != "anonymous":
            cookie = session_cookie(world.people[actor])
            context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        tab.on(
            "console",
            lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
        )
        seen = set()
        for name, url in pages:
            tab.goto(live_server.url + url)
            if tab.url in seen:
                continue
            seen.add(tab.url)
            settled(tab)
            violations = audit(tab, name)
            audited += 1
            if (name, actor) in SCREENSHOTS:
                shot = ARTIFACTS / f"a11y-{name.replace(':', '-')}-{viewport}.png"
                tab.screenshot(path=str(shot), full_page=True)
            if violations:
                failures.append(f"{name} as {actor} ({url}):\n{describe(violations)}")
        context.close()
    report = ARTIFACTS / f"axe-{viewport}.txt"
    report.write_text(f"{audited} pages audited at {viewport}\n" + "\n".join(failures) + "\n")
    assert audited >= 60
    assert not refused, f"Content-Security-Policy violations: {refused}"
    assert not failures, f"{len(failures)} pages with violations at {viewport}:\n" + "\n".join(
        failures
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_reflows_at_320_px(chromium, live_server, world):  # noqa: F811
    """WCAG 1.4.10 asks for no sideways scrolling of the page at 320 CSS px; a
    wide table may scroll inside its own box. One allowed viewer per page."""
    first_viewer: dict[str, tuple[str, str]] = {}
    for name, url, actor in pages_and_viewers(world):
        first_viewer.setdefault(name, (url, actor))
    too_wide = []
    for actor in {actor for _, actor in first_viewer.values()}:
        context = chromium.new_context(
            viewport={"width": 320, "height": 640}, locale="id-ID", base_url=live_server.url
        )
        if actor != "anonymous":
            cookie = session_cookie(world.people[actor])
            context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
        tab = context.new_page()
        for name, (url, viewer) in sorted(first_viewer.items()):
            if viewer != actor:
                continue
            tab.goto(live_server.url + url)
            settled(tab)
            own = tab.evaluate(OWN_CHECKS)
            if own["width"]:
                culprits = ", ".join(own["culprits"])
                too_wide.append(f"{name} as {actor}: {own['width']} px ({culprits})")
        context.close()
    assert len(first_viewer) >= 35
    assert not too_wide, "pages wider than a 320 px screen:\n" + "\n".join(too_wide)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_the_dashboard_with_every_chart_passes_axe(chromium, live_server, kaltim2024, viewport):
    """The route matrix's period has no index yet, so its dashboard shows no
    charts; the published Kaltim 2024 period shows all seven, each described
    by the table holding its numbers."""
    from assessments.models import Role
    from reports.snapshots import snapshot_compute
    from tests.factories import role_in

    for basis in ("self", "validated", "final"):
        snapshot_compute(period_id=kaltim2024.period.pk, basis=basis)
    context = chromium.new_context(
        viewport=VIEWPORTS[viewport], locale="id-ID", base_url=live_server.url
    )
    context.add_init_script(script=AXE.read_text())
    cookie = session_cookie(role_in(kaltim2024.instansi, Role.LEADERSHIP))
    context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
    tab = context.new_page()
    tab.goto(reverse("reports:dashboard", kwargs={"instansi": "kaltim", "year": 2024}))
    settled(tab)

    described = tab.evaluate(
        """() => [...document.querySelectorAll("canvas")].map((c) => {
             const table = document.getElementById(c.getAttribute("aria-describedby"));
             return table && table.tagName === "TABLE" ? table.querySelector("caption").textContent
                                                       : null;
           })"""
    )
    assert len(described) == 7 and all(described), described
    violations = audit(tab, "reports:dashboard")
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"a11y-dashboard-{viewport}.png"), full_page=True)
    context.close()
    assert not violations, describe(violations)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_opened_api_operation_passes_axe(page, live_server):
    """The API explorer audited above is all collapsed; an opened operation with
    "Try it out" shows parameters, example bodies and the request body's field."""
    page.context.add_init_script(script=AXE.read_text())
    page.goto(reverse("api-docs"))
    settled(page)
    page.locator(".opblock-patch .opblock-summary-control").first.click()
    page.locator(".try-out__btn").first.click()
    body = page.locator("textarea.body-param__text").first
    assert body.get_attribute("aria-label") == "Isi permintaan (JSON)"
    violations = audit(page, "api-docs")
    page.screenshot(path=str(ARTIFACTS / "a11y-api-docs-opened.png"), full_page=True)
    assert not violations, describe(violations)


# --- forms shown again with their errors (no browser needed) ----------------------


def dangling_descriptions(html: str) -> list[str]:
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    named = re.findall(r'aria-(?:describedby|labelledby)="([^"]+)"', html)
    return sorted({ref for refs in named for ref in refs.split() if ref not in ids})


def test_fields_with_errors_are_described_by_their_help_and_errors(world):  # noqa: F811
    """Help texts and errors come from one partial under the ids Django's
    widgets point at; a form shown again with errors names only ids that exist."""
    reviewer = Client()
    reviewer.force_login(world.people["reviewer"])
    response = reviewer.post(
        reverse("review:adjust", kwargs={"public_id": world.submitted.public_id}),
        {"version": world.submitted.version, "level": 3, "justification": ""},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'aria-describedby="adjust_justification_helptext adjust_justification_error"' in html
    assert 'id="adjust_justification_error"' in html
    assert not dangling_descriptions(html)

    officer = Client()
    officer.force_login(world.people["officer"])
    response = officer.post(
        reverse("password_change"),
        {"old_password": "salah", "new_password1": "x", "new_password2": "y"},
    )
    html = response.content.decode()
    assert 'id="id_old_password_error"' in html
    assert 'aria-describedby="id_old_password_error"' in html
    assert not dangling_descriptions(html)
