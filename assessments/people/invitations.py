"""Invitations: a one-time link by which a person sets their own password.

No password travels by e-mail or by hand. The link carries Django's
password-reset token (PasswordResetTokenGenerator): it expires after
PASSWORD_RESET_TIMEOUT and stops working once used, because the token is
bound to the password hash and last login, which setting a password changes.
The e-mail leaves after the transaction commits, through a Celery task like
the notification e-mails (in-process when no broker is configured); the token
is made in the task, so a link is never stored anywhere.
"""

from __future__ import annotations

import smtplib

from auditlog.models import LogEntry
from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from assessments.access import can_manage_account
from assessments.models import User
from assessments.people.audit import acting_as
from spbe_portal.errors import NotAllowed, WrongState


def invitation_send(*, by, member: User, new_account: bool = False, base_url: str = "") -> None:
    """Schedules the invitation e-mail for after commit. `base_url` is the
    portal's address as the administrator reached it; PORTAL_BASE_URL wins
    when set (behind a proxy the request may not know the public name)."""
    if by is not None and not can_manage_account(by, member):
        raise NotAllowed()
    if not member.is_active or not member.email:
        raise WrongState(_("Akun ini tidak aktif atau belum memiliki surel."))
    base = getattr(settings, "PORTAL_BASE_URL", "") or base_url
    with acting_as(by):
        # Not a change of data, but part of the account's story: the trail
        # shows who invited the person, when (no link or token is kept).
        LogEntry.objects.log_create(
            member,
            force_log=True,
            action=LogEntry.Action.ACCESS,
            changes={},
            additional_data={"invitation": "new_account" if new_account else "resend"},
        )
    pk = member.pk
    transaction.on_commit(lambda: invitation_email_send.delay(pk, base, new_account))


def invitation_link(member: User, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(member.pk))
    token = default_token_generator.make_token(member)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return base_url.rstrip("/") + path


@shared_task(
    name="assessments.tasks.invitation_email_send",
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def invitation_email_send(user_id: int, base_url: str, new_account: bool = False) -> bool:
    """Sends one invitation; an account deactivated or without e-mail since
    it was scheduled gets none. Sending twice is harmless: each link works
    once and the first one used ends the others."""
    member = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if member is None:
        return False
    context = {
        "user": member,
        "link": invitation_link(member, base_url),
        "new_account": new_account,
        "site_name": _("Portal SPBE"),
    }
    subject = render_to_string("assessments/manage/email/account_created_subject.txt", context)
    send_mail(
        subject=" ".join(subject.split()),
        message=render_to_string("assessments/manage/email/account_created_email.txt", context),
        from_email=None,
        recipient_list=[member.email],
    )
    return True
