"""Password reset e-mails, sent by a task after the response: the request's
timing must not tell whether an address has an account."""

import smtplib

from celery import shared_task
from django.contrib.auth.forms import PasswordResetForm


@shared_task(
    name="assessments.tasks.password_reset_email_send",
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=60,
    time_limit=90,
)
def password_reset_email_send(*, email: str, domain: str, use_https: bool) -> None:
    """Look up the accounts of a password reset request and mail them the
    link. Takes the address, not a user; a retry sends a fresh link, and an
    earlier one stays valid until the password changes."""
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        form.save(domain_override=domain, use_https=use_https)
