"""Forms of the administrator's people pages: accounts (with NIP, position
and phone), roles and transfers. They validate input; the actions in
assessments.people.accounts do the work (and check it again)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.forms.manage import StyledMixin
from assessments.models import OPD, Instansi, Membership, Role, User
from assessments.people.accounts import email_taken, nip_taken
from assessments.people.nip import nip_normalised, nip_problem


class PersonFieldsMixin:
    """NIP: written in groups or not, checked for form and uniqueness."""

    def clean_nip(self):
        nip = nip_normalised(self.cleaned_data.get("nip", ""))
        if not nip:
            return ""
        problem = nip_problem(nip)
        if problem:
            raise forms.ValidationError(problem)
        instance = getattr(self, "instance", None)
        if nip_taken(nip, exclude_pk=instance.pk if instance else None):
            raise forms.ValidationError(_("NIP ini sudah dipakai pengguna lain."))
        return nip


def _nip_field():
    return forms.CharField(
        label=gettext_lazy("NIP"),
        required=False,
        max_length=24,
        help_text=gettext_lazy("18 angka; kosongkan untuk akun non-ASN."),
    )


class MembershipFieldsMixin:
    """Role plus OPD; the OPD is required for officers and ignored otherwise."""

    def _setup_membership_fields(self, instansi: Instansi):
        self.instansi = instansi
        self.fields["opd"].queryset = OPD.objects.filter(instansi=instansi, active=True)

    def _clean_membership(self, cleaned):
        role, opd = cleaned.get("role"), cleaned.get("opd")
        if role == Role.OFFICER and opd is None:
            self.add_error("opd", _("Petugas OPD harus memilih OPD."))
        if role and role != Role.OFFICER:
            cleaned["opd"] = None
        return cleaned


class UserCreateForm(StyledMixin, PersonFieldsMixin, MembershipFieldsMixin, forms.Form):
    username = forms.CharField(
        label=gettext_lazy("Nama pengguna"),
        max_length=150,
        validators=[User.username_validator],
        help_text=gettext_lazy("Huruf, angka dan @ . + - _ saja."),
    )
    full_name = forms.CharField(label=gettext_lazy("Nama lengkap"), max_length=150)
    email = forms.EmailField(label=gettext_lazy("Surel"), required=False)
    nip = _nip_field()
    position = forms.CharField(label=gettext_lazy("Jabatan"), max_length=200, required=False)
    phone = forms.CharField(label=gettext_lazy("Telepon"), max_length=30, required=False)
    role = forms.ChoiceField(label=gettext_lazy("Peran"), choices=Role.choices)
    opd = forms.ModelChoiceField(
        label=gettext_lazy("OPD (untuk petugas OPD)"), queryset=OPD.objects.none(), required=False
    )
    send_password_email = forms.BooleanField(
        label=gettext_lazy("Kirim surel untuk membuat kata sandi (tanpa mengisi kata sandi)"),
        required=False,
    )
    password1 = forms.CharField(
        label=gettext_lazy("Kata sandi"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Ulangi kata sandi"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, instansi: Instansi, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_membership_fields(instansi)

    def clean_username(self):
        username = self.cleaned_data["username"]
        # Login accepts a username or an e-mail, so both must be unambiguous.
        if User.objects.filter(username__iexact=username).exists() or email_taken(username):
            raise forms.ValidationError(_("Nama pengguna ini sudah dipakai."))
        return username

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email and email_taken(email):
            raise forms.ValidationError(_("Surel ini sudah dipakai pengguna lain."))
        return email

    def clean(self):
        cleaned = self._clean_membership(super().clean())
        if cleaned.get("send_password_email"):
            if not cleaned.get("email") and "email" not in self.errors:
                self.add_error("email", _("Isi surel agar tautan pembuatan kata sandi terkirim."))
            if cleaned.get("password1"):
                self.add_error(
                    "password1",
                    _("Pilih salah satu: isi kata sandi atau kirim surel, bukan keduanya."),
                )
            return cleaned
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if not password1:
            self.add_error(
                "password1", _("Isi kata sandi atau centang pengiriman surel kata sandi.")
            )
        elif password1 != password2:
            self.add_error("password2", _("Kedua kata sandi tidak sama."))
        else:
            probe = User(
                username=cleaned.get("username", ""),
                email=cleaned.get("email", ""),
                first_name=cleaned.get("full_name", ""),
            )
            try:
                password_validation.validate_password(password1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class UserEditForm(StyledMixin, PersonFieldsMixin, forms.ModelForm):
    nip = _nip_field()

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "nip", "position", "phone"]
        labels = {
            "first_name": gettext_lazy("Nama depan / nama lengkap"),
            "last_name": gettext_lazy("Nama belakang"),
            "email": gettext_lazy("Surel"),
            "position": gettext_lazy("Jabatan"),
            "phone": gettext_lazy("Telepon"),
        }

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email and email_taken(email, exclude_pk=self.instance.pk):
            raise forms.ValidationError(_("Surel ini sudah dipakai pengguna lain."))
        return email


class MembershipForm(StyledMixin, MembershipFieldsMixin, forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Peran"), choices=Role.choices)
    opd = forms.ModelChoiceField(
        label=gettext_lazy("OPD (untuk petugas OPD)"), queryset=OPD.objects.none(), required=False
    )

    def __init__(self, *args, instansi: Instansi, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_membership_fields(instansi)
        self.member = user

    def clean(self):
        cleaned = self._clean_membership(super().clean())
        if (
            not self.errors
            and Membership.objects.current()
            .filter(
                user=self.member, instansi=self.instansi, role=cleaned["role"], opd=cleaned["opd"]
            )
            .exists()
        ):
            raise forms.ValidationError(_("Pengguna sudah memegang peran ini."))
        return cleaned


class OfficerMoveForm(StyledMixin, forms.Form):
    """A transfer of one of the member's officer roles to another OPD from a
    date (the old role ends the day before)."""

    from_role = forms.ModelChoiceField(
        label=gettext_lazy("Dari OPD"), queryset=Membership.objects.none(), empty_label=None
    )
    to_opd = forms.ModelChoiceField(
        label=gettext_lazy("Pindah ke OPD"), queryset=OPD.objects.none()
    )
    on = forms.DateField(
        label=gettext_lazy("Berlaku mulai"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )

    def __init__(self, *args, instansi: Instansi, member: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_role"].queryset = (
            Membership.objects.current()
            .filter(user=member, instansi=instansi, role=Role.OFFICER)
            .select_related("opd")
            .order_by("opd__short_name")
        )
        self.fields["from_role"].label_from_instance = lambda m: m.opd.short_name
        self.fields["to_opd"].queryset = OPD.objects.filter(
            instansi=instansi, active=True
        ).order_by("short_name")
