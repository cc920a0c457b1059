"""The refusals of the answer workflow, in the portal's one vocabulary
(spbe_portal.errors): each is a family there, and carries no HTTP status."""

from django.utils.translation import gettext as _

from spbe_portal.errors import Closed, Invalid, WrongState


class DeadlinePassed(Closed):
    def default_message(self):
        return _("Periode ini tidak sedang menerima jawaban (batas pengisian telah lewat).")


class ReviewClosed(Closed):
    def default_message(self):
        return _("Masa penilaian periode ini sudah ditutup.")


class AnswerLocked(WrongState):
    def default_message(self):
        return _(
            "Jawaban sudah diajukan atau tervalidasi dan hanya dapat dibaca sampai "
            "dikembalikan oleh asesor."
        )


class InvalidLevel(Invalid):
    def default_message(self):
        return _("Tingkat tidak valid untuk kerangka periode ini.")


class NotReady(Invalid):
    def default_message(self):
        return _("Pilih tingkat dan isi penjelasan sebelum mengajukan.")
