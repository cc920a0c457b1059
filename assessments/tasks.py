"""Celery discovers an app's tasks in its `tasks` module; the tasks live with
their concern (assessments.notifications) and keep their registered names, so
the beat schedule and queued messages stay valid."""

from assessments.notifications.mail import (  # noqa: F401
    notification_emails_send,
    notification_emails_sweep,
)
from assessments.notifications.reminders import (  # noqa: F401
    deadline_reminders_send,
    pending_indicators_by_opd,
)
from assessments.people.invitations import invitation_email_send  # noqa: F401
from assessments.people.reset import password_reset_email_send  # noqa: F401
