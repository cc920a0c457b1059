import pytest
from django.core.management import call_command


@pytest.fixture
def spbe2020(db):
    """The shipped PermenPANRB 59/2020 framework, loaded through the real loader."""
    from indicators.models import FrameworkVersion

    call_command("load_framework", "spbe-2020", verbosity=0)
    return FrameworkVersion.objects.get(code="spbe-2020")


# --- Browser tests: Playwright driving Debian's Chromium ---------------------
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS_DIR = __import__("pathlib").Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def chromium():
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls
    # the live server's test data setup makes are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    """A fresh 1366x768 browser tab in Indonesian, pointed at the live server."""
    context = chromium.new_context(
        viewport={"width": 1366, "height": 768}, locale="id-ID", base_url=live_server.url
    )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


@pytest.fixture
def screenshot(page, request):
    """Saves a full-page screenshot into test-artifacts/ (kept by CI)."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)

    def take(name: str):
        page.screenshot(path=str(ARTIFACTS_DIR / f"{name}.png"), full_page=True)

    return take
