"""docs/API.md's curl walkthrough, executed as written against seeded demo
data: every `sh` line of its walkthrough section is read from the page,
its variables expanded as a shell would, its curl options turned into a
test-client request and its jq filter applied. Editing the page so that a
command no longer works fails this test."""

from __future__ import annotations

import io
import json
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from spbe_portal.celery import app

DOC = Path(__file__).resolve().parent.parent / "docs" / "API.md"
SECTION = "## Walkthrough with curl"

pytestmark = pytest.mark.django_db


def walkthrough() -> tuple[list[str], list[str]]:
    """(shell lines, json blocks) of the walkthrough section, in order."""
    text = DOC.read_text().split(SECTION, 1)[1]
    lines = [
        line.strip()
        for block in re.findall(r"```sh\n(.*?)```", text, re.S)
        for line in block.splitlines()
        if line.strip()
    ]
    return lines, re.findall(r"```json\n(.*?)```", text, re.S)


def expand(command: str, env: dict[str, str]) -> str:
    """$NAME expanded outside single quotes, as sh does."""
    out, quoted, i = [], False, 0
    while i < len(command):
        char = command[i]
        if char == "'":
            quoted = not quoted
        match = None if quoted else re.match(r"\$(\w+)", command[i:])
        if match:
            out.append(env[match.group(1)])
            i += match.end()
            continue
        out.append(char)
        i += 1
    return "".join(out)


def jq(program: str, value):
    """The jq subset the page uses: paths (.a.b[0]), pipes, {a, b} objects."""
    for stage in (s.strip() for s in program.split("|")):
        if stage.startswith("{"):
            value = {key.strip(): value[key.strip()] for key in stage.strip("{}").split(",")}
            continue
        for name, index in re.findall(r"\.(\w*)(?:\[(\d+)\])?", stage):
            value = value[name] if name else value
            value = value[int(index)] if index else value
    return value


class Shell:
    def __init__(self, tmp_path):
        self.env: dict[str, str] = {}
        self.client = Client()
        self.tmp_path = tmp_path
        self.outputs: list = []
        self.responses: list = []

    def run(self, line: str, capture):
        assignment = re.fullmatch(r"export (\w+)=(.*)", line)
        if assignment:
            name, value = assignment.groups()
            inner = re.fullmatch(r"\$\((.*)\)", value)
            self.env[name] = self.execute(inner.group(1), capture) if inner else value
            return
        self.outputs.append(self.execute(line, capture))

    def execute(self, command: str, capture):
        words = shlex.split(expand(command, self.env))
        if words[:3] == [".venv/bin/python", "manage.py", "create_api_token"]:
            out = io.StringIO()
            call_command(*words[2:], stdout=out)
            return out.getvalue().strip()
        assert words[0] == "curl", command
        filter_, raw = None, False
        if "|" in words:
            words, pipe = words[: words.index("|")], words[words.index("|") + 1 :]
            assert pipe[0] == "jq"
            raw = "-r" in pipe
            filter_ = pipe[-1]
        with capture(execute=True):
            response = self.curl(words[1:])
        if filter_ is None:
            return response
        value = jq(filter_, json.loads(response.content))
        return str(value) if raw else value

    def curl(self, args: list[str]):
        method, headers, data, output, url = "GET", {}, None, None, None
        it = iter(args)
        for arg in it:
            if arg == "-X":
                method = next(it)
            elif arg == "-H":
                key, value = next(it).split(":", 1)
                headers[key.strip()] = value.strip()
            elif arg == "-d":
                data = next(it)
                method = "POST" if method == "GET" else method
            elif arg == "-o":
                output = self.tmp_path / next(it)
            elif arg.startswith("-"):
                assert set(arg[1:]) <= {"s", "f", "S"}, arg
            else:
                url = arg
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc) == ("http", "127.0.0.1:8000")
        content_type = headers.pop("Content-Type", "application/octet-stream")
        extra = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = self.client.generic(
            method, path, data=(data or "").encode(), content_type=content_type, **extra
        )
        self.responses.append((method, parts.path, response.status_code))
        assert response.status_code < 400, (method, path, response.content[:500])  # curl -f
        if output is not None:
            content = b"".join(response.streaming_content)
            output.write_bytes(content)
        return response


@pytest.fixture
def demo(monkeypatch, settings, evidence_storage):
    # evidence_storage: rendered reports go to a temporary directory too.
    monkeypatch.setenv("DEMO_PASSWORD", "sandi-demo-uji-9")
    # Reports render in-process, as with `make run`.
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_walkthrough_runs_as_written(demo, tmp_path, django_capture_on_commit_callbacks):
    from assessments.models import Answer, AnswerState

    lines, json_blocks = walkthrough()
    assert len(lines) >= 10
    shell = Shell(tmp_path)
    for line in lines:
        shell.run(line, django_capture_on_commit_callbacks)

    index, link, submitted, job = shell.outputs[:4]
    assert link["url"] == "https://kaltimprov.go.id/"
    # Step 2 prints exactly what the page shows.
    assert index == json.loads(json_blocks[0])
    assert index["index_display"] == "3.79" and index["predicate"] == "Sangat Baik"
    # Step 3: the draft is submitted, with the explanation the page sent.
    assert submitted["state"] == "submitted"
    answer = Answer.objects.get(public_id=shell.env["ANSWER"])
    assert answer.state == AnswerState.SUBMITTED
    assert answer.explanation.startswith("FAKTA: Pergub Kaltim")
    assert answer.opd.code == "diskominfo"
    # Step 4: the report was rendered and downloaded.
    assert job["state"] == "done" and job["download_url"]
    report = tmp_path / "laporan-kaltim-2024.xlsx"
    assert report.read_bytes().startswith(b"PK")
    methods = [method for method, _path, _status in shell.responses]
    assert methods == ["GET", "GET", "GET", "PATCH", "POST", "POST", "GET", "POST", "GET", "GET"]
