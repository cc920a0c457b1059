import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments.models import Answer
from reports.models import IndexSnapshot

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    try:
        call_command("compute_index", *args, stdout=out)
        status = 0
    except CommandError as exc:
        status = exc.returncode
    return status, out.getvalue()


def test_final_2024_prints_the_published_index_as_json(kaltim2024):
    status, out = run(
        "--period", "2024", "--instansi", "kaltim", "--basis", "final", "--format", "json"
    )

    assert status == 0
    record = json.loads(out)
    assert record["index"] == "3.79"
    assert record["index_exact"] == "3.7885"
    assert record["predicate"] == "Sangat Baik"
    assert record["domains"] == {"D1": "3.70", "D2": "3.50", "D3": "2.82", "D4": "4.32"}
    assert len(record["aspects"]) == 8
    assert "missing" not in record
    assert IndexSnapshot.objects.get(basis="final").index_display == "3.79"


def test_self_basis_gives_the_demo_435(kaltim2024):
    status, out = run("--period", "2024", "--instansi", "kaltim", "--basis", "self")

    assert status == 0
    assert json.loads(out)["index"] == "4.35"


def test_incomplete_prints_missing_and_exits_1(kaltim2024):
    Answer.objects.filter(pk=kaltim2024.answers["12"].pk).update(validated_level=None)

    status, out = run("--period", "2024", "--instansi", "kaltim", "--basis", "validated")

    assert status == 1
    record = json.loads(out)
    assert record["missing"] == ["12"]
    assert record["index"] is None and record["index_exact"] is None
    assert record["predicate"] is None


def test_unknown_period_exits_2_and_stores_nothing(kaltim2024):
    status, out = run("--period", "2019", "--instansi", "kaltim", "--basis", "final")

    assert status == 2
    assert out == ""
    assert not IndexSnapshot.objects.exists()


def test_unknown_basis_is_refused(kaltim2024):
    with pytest.raises(CommandError):
        call_command("compute_index", "--period", "2024", "--instansi", "kaltim", "--basis", "x")
