"""Organisations: the instansi (a province, kabupaten or kota) and its OPDs."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.default_assignment import FunctionKey


class Instansi(models.Model):
    class Kind(models.TextChoices):
        PROVINSI = "provinsi", _("Pemerintah provinsi")
        KABUPATEN = "kabupaten", _("Pemerintah kabupaten")
        KOTA = "kota", _("Pemerintah kota")

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("provinsi induk"),
    )

    class Meta:
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OPD(models.Model):
    """Organisasi Perangkat Daerah: a regional agency of an instansi."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="opds")
    code = models.SlugField(_("kode"), max_length=40)
    name = models.CharField(_("nama"), max_length=250)
    short_name = models.CharField(_("singkatan"), max_length=60)
    active = models.BooleanField(_("aktif"), default=True)
    # Ties the OPD to a role in the default assignment map (default_assignment.py).
    function_key = models.CharField(
        _("fungsi"), max_length=20, choices=FunctionKey.choices, blank=True
    )

    class Meta:
        verbose_name = _("OPD")
        verbose_name_plural = _("OPD")
        ordering = ["instansi", "short_name"]
        constraints = [models.UniqueConstraint(fields=["instansi", "code"], name="opd_code_unique")]

    def __str__(self):
        return self.short_name
