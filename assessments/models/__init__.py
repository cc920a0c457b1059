"""Who answers and validates what: organisations, people and their roles,
evaluation periods, indicator assignments, answers with their evidence, and
the event thread that records every change. One module per concern; this
package re-exports them so `assessments.models.X` stays the one import path."""

from assessments.models.answers import (  # noqa: F401
    Answer,
    AnswerEvent,
    AnswerState,
    EventKind,
    EvidenceItemAnswer,
    ExternalValue,
    ItemState,
    ReturnReason,
)
from assessments.models.evidence import (  # noqa: F401
    EvidenceFile,
    EvidenceLink,
    evidence_upload_to,
)
from assessments.models.notifications import (  # noqa: F401
    Notification,
    NotificationKind,
    NotificationQuerySet,
)
from assessments.models.organisations import (  # noqa: F401
    OPD,
    Instansi,
)
from assessments.models.people import (  # noqa: F401
    ApiToken,
    ApiTokenQuerySet,
    Membership,
    Role,
    User,
)
from assessments.models.periods import (  # noqa: F401
    Assignment,
    EvaluationPeriod,
    PeriodState,
)
