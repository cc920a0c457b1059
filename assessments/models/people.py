"""People and what they may do: the user model, roles held per instansi or
OPD, and personal API tokens."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models.organisations import OPD, Instansi


class User(AbstractUser):
    """The portal's own user model, in place from the first migration so that
    roles and memberships can hang off it without a painful swap later.

    NIP, position (jabatan) and phone name a civil servant the way signed
    documents do; they are optional because not every account is an ASN
    (consultants, the provincial helpdesk). The NIP's form is checked by
    assessments.people.nip; it is unique among the accounts that have one."""

    nip = models.CharField(_("NIP"), max_length=18, blank=True, default="")
    position = models.CharField(_("jabatan"), max_length=200, blank=True, default="")
    phone = models.CharField(_("telepon"), max_length=30, blank=True, default="")

    class Meta(AbstractUser.Meta):
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        constraints = [
            models.UniqueConstraint(
                fields=["nip"], condition=~Q(nip=""), name="user_nip_unique_when_set"
            ),
        ]

    def save(self, *args, **kwargs):
        # set_password() leaves the raw password in _password until saved: a
        # new password ends every API token, as it ends the other sessions.
        password_changed = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            self.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


class Role(models.TextChoices):
    OFFICER = "officer", _("Petugas OPD")
    REVIEWER = "reviewer", _("Asesor internal (Diskominfo)")
    LEADERSHIP = "leadership", _("Pimpinan (Bappeda/Sekda)")
    ADMINISTRATOR = "administrator", _("Administrator")


class MembershipQuerySet(models.QuerySet):
    def current(self):
        """Roles held now; an ended one (an officer moved to another OPD)
        stays as history but grants nothing."""
        return self.filter(ended_on__isnull=True)

    def held_during(self, start, end):
        """Roles held at some time between the dates `start` and `end`; a
        role without a start date was held since before the portal knew."""
        return self.filter(
            Q(started_on__isnull=True) | Q(started_on__lte=end),
            Q(ended_on__isnull=True) | Q(ended_on__gte=start),
        )


class Membership(models.Model):
    """A role a user holds in one instansi; officers hold it for one OPD.

    started_on and ended_on date a role that began or ended through a
    transfer (or, for started_on, any role given in the portal); revoking a
    role given by mistake deletes it instead."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    instansi = models.ForeignKey(Instansi, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    opd = models.ForeignKey(
        OPD, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    started_on = models.DateField(_("mulai"), null=True, blank=True)
    ended_on = models.DateField(_("berakhir"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("keanggotaan")
        verbose_name_plural = _("keanggotaan")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "instansi", "role", "opd"],
                condition=Q(ended_on__isnull=True),
                name="membership_unique_current",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="membership_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(role="officer", opd__isnull=False) | ~Q(role="officer"),
                name="officer_has_opd",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.opd or self.instansi}"

    def get_additional_data(self):
        """Stored with each audit entry (django-auditlog), so the trail of a
        person's roles is found by user even after a role is revoked."""
        return {"user_id": self.user_id, "instansi_id": self.instansi_id}


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )


class ApiToken(models.Model):
    """A personal API token. Only the SHA-256 of the secret is stored; the
    full token is shown once, when it is created. The prefix (the token's
    first characters) is what the user sees afterwards to tell tokens apart
    and what the authentication looks rows up by."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("nama"), max_length=100)
    key_prefix = models.CharField(_("awalan"), max_length=PREFIX_LENGTH, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    # Chosen at creation (90 days unless the user picks otherwise): a token
    # forgotten in some system stops working by itself.
    expires_at = models.DateTimeField(_("berlaku sampai"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user} · {self.name} ({self.key_prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired
