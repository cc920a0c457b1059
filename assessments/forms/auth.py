from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assessments.people.login import LOCKOUT_SECONDS, login_locked


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Nama pengguna/e-mail atau kata sandi salah."),
        "locked": _("Terlalu banyak percobaan gagal. Coba lagi dalam %(minutes)s menit."),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if username and login_locked(username):
            raise ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": LOCKOUT_SECONDS // 60},
            )
        return super().clean()
