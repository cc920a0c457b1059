"""The demo's organisation: the framework, the province, its OPDs and
kabupaten/kota, and one account per role (one password for all, hashed once)."""

import io
import os

from django.contrib.auth.hashers import check_password, make_password
from django.core.management import call_command
from django.utils.translation import gettext as _

from assessments.management.demo import Seeding
from assessments.management.demo import data as demo
from assessments.models import OPD, Instansi, Membership, User
from indicators.models import FrameworkVersion


def framework_ensure(seeding: Seeding, code: str = demo.FRAMEWORK_CODE) -> FrameworkVersion:
    framework = FrameworkVersion.objects.filter(code=code).first()
    if framework is None:
        call_command("load_framework", code, stdout=io.StringIO())
        framework = FrameworkVersion.objects.get(code=code)
    return framework


def frameworks_by_year(seeding: Seeding) -> dict[int, FrameworkVersion]:
    """The SPBE framework version of each demo year (demo.FRAMEWORK_BY_YEAR)."""
    return {year: framework_ensure(seeding, code) for year, code in demo.FRAMEWORK_BY_YEAR.items()}


def instansi_ensure(seeding: Seeding) -> Instansi:
    instansi, created = Instansi.objects.get_or_create(
        code=demo.INSTANSI_CODE,
        defaults={"name": demo.INSTANSI_NAME, "kind": Instansi.Kind.PROVINSI},
    )
    if created:
        seeding.created.append(_("instansi %s") % instansi.name)
    return instansi


def opds_ensure(seeding: Seeding, instansi: Instansi) -> dict[str, OPD]:
    existing = {opd.code: opd for opd in OPD.objects.filter(instansi=instansi)}
    new = [
        OPD(
            instansi=instansi,
            code=item.code,
            name=item.name,
            short_name=item.short_name,
            function_key=item.function_key,
        )
        for item in demo.OPDS
        if item.code not in existing
    ]
    for opd in OPD.objects.bulk_create(new):
        existing[opd.code] = opd
    if new:
        seeding.created.append(_("%d OPD") % len(new))
    # An administrator may have re-tagged OPDs; only fill a missing tag.
    for item in demo.OPDS:
        opd = existing[item.code]
        if item.function_key and not opd.function_key:
            opd.function_key = item.function_key
            opd.save(update_fields=["function_key"])
    return existing


def kabkota_ensure(seeding: Seeding, instansi: Instansi) -> None:
    known = set(Instansi.objects.filter(parent=instansi).values_list("code", flat=True))
    new = [
        Instansi(code=item.code, name=item.name, kind=item.kind, parent=instansi)
        for item in demo.KABKOTA
        if item.code not in known and not Instansi.objects.filter(code=item.code).exists()
    ]
    Instansi.objects.bulk_create(new)
    if new:
        seeding.created.append(_("%d kabupaten/kota") % len(new))


def users_ensure(seeding: Seeding, instansi: Instansi, opds: dict[str, OPD]):
    users: dict[str, User] = {}
    new_users: set[str] = set()
    explicit = os.environ.get("DEMO_PASSWORD")
    changed_passwords = 0
    # Demo accounts share one password by design, so hash it once (the
    # hasher is deliberately slow) and check each distinct stored hash once.
    hashed = None
    matches: dict[str, bool] = {}
    for item in demo.USERS:
        user = User.objects.filter(username=item.username).first()
        if user is None:
            hashed = hashed or make_password(seeding.password)
            user = User.objects.create(
                username=item.username,
                first_name=item.first_name,
                last_name=item.last_name,
                email=f"{item.username}@kaltim.example.com",
                password=hashed,
            )
            new_users.add(item.username)
        elif explicit:
            if user.password not in matches:
                matches[user.password] = check_password(explicit, user.password)
            if not matches[user.password]:
                # An explicit DEMO_PASSWORD is the operator's wish for every demo account.
                hashed = hashed or make_password(seeding.password)
                user.password = hashed
                user.save(update_fields=["password"])
                changed_passwords += 1
        users[item.username] = user
        Membership.objects.get_or_create(
            user=user,
            instansi=instansi,
            role=item.role,
            opd=opds[item.opd] if item.opd else None,
        )
    if new_users:
        seeding.created.append(_("%d pengguna") % len(new_users))
    if changed_passwords:
        seeding.created.append(_("kata sandi %d pengguna diganti") % changed_passwords)
    return users, new_users
