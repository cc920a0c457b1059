"""The portal's one error vocabulary.

Domain code (services, the lifecycle, imports, the planner) raises these, or
subclasses of them, with a translated message, and knows nothing of HTTP. The
edge maps each family to a response once: `status_of` is used by the API's
exception handler (spbe_portal.api) and by the HTML middleware
(spbe_portal.middleware.DomainErrorMiddleware), so a view catches an error only
when it has something better to show than the message (a conflict shown beside
the user's input, a form re-rendered with the error).
"""

from __future__ import annotations

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A refused change; nothing was written. `answer` is the object the
    refusal is about, where one is (bulk decisions name it)."""

    def __init__(self, message: str | None = None, *, answer=None):
        self.message = message or self.default_message()
        self.answer = answer
        super().__init__(self.message)

    def default_message(self) -> str:
        return _("Perubahan ditolak.")


class Invalid(DomainError):
    """The request's own input cannot be used (a level out of range, a
    missing justification, a file that fails the checks)."""


class NotAllowed(DomainError):
    """This user may not do this to this object."""

    def default_message(self) -> str:
        return _("Anda tidak berwenang melakukan perubahan ini.")


class Closed(DomainError):
    """The window for this change is shut (the deadline has passed, the
    review period is over, the period is in another stage)."""

    def default_message(self) -> str:
        return _("Periode ini tidak sedang menerima perubahan ini.")


class WrongState(DomainError):
    """The object's state does not allow this change (an answer already
    submitted, a notification already read)."""


class Conflict(DomainError):
    """Someone changed the object since the user loaded it. `current` is the
    newer version, so the UI can show it beside what the user typed."""

    def __init__(self, message: str | None = None, *, current, answer=None):
        self.current = current
        super().__init__(message, answer=answer)

    def default_message(self) -> str:
        return _(
            "Jawaban ini telah diubah orang lain sejak halaman Anda dimuat. "
            "Periksa versi terbaru di bawah; isian Anda belum disimpan dan tetap ditampilkan."
        )


# Most specific first: the first family an error belongs to decides.
_STATUS = (
    (Conflict, 409),
    (WrongState, 409),
    (Closed, 403),
    (NotAllowed, 403),
    (Invalid, 400),
    (DomainError, 400),
)


def status_of(error: DomainError) -> int:
    """The HTTP status that answers `error`, at the edge and only there."""
    for family, status in _STATUS:
        if isinstance(error, family):
            return status
    return 400
