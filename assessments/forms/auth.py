from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from assessments.people.login import client_ip, login_locked, reset_request_allowed
from assessments.people.reset import password_reset_email_send


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Nama pengguna/e-mail atau kata sandi salah."),
        "locked": _("Terlalu banyak percobaan gagal. Coba lagi dalam %(minutes)s menit."),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if username and self.request is not None and login_locked(self.request, username):
            raise ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": int(settings.AXES_COOLOFF_TIME.total_seconds()) // 60},
            )
        return super().clean()


class ThrottledPasswordResetForm(PasswordResetForm):
    """Rate-limited per client (with a message) and per address (silently:
    the answer must not differ between addresses). The account lookup and the
    e-mail happen in a Celery task after the response, so neither the answer
    nor its timing tells whether an address has an account."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.address_allowed = True

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        if email and self.request is not None:
            client_allowed, self.address_allowed = reset_request_allowed(
                address=email, client=client_ip(self.request)
            )
            if not client_allowed:
                raise ValidationError(
                    _(
                        "Terlalu banyak permintaan atur ulang kata sandi dari perangkat ini. "
                        "Coba lagi dalam satu jam."
                    ),
                    code="throttled",
                )
        return cleaned

    def save(self, domain_override=None, use_https=False, request=None, **kwargs):
        if not self.address_allowed:
            return
        email = self.cleaned_data["email"]
        domain = domain_override or (request.get_host() if request is not None else "")
        transaction.on_commit(
            lambda: password_reset_email_send.delay(email=email, domain=domain, use_https=use_https)
        )
