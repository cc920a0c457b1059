"""The domain signal of assessments.

`answers_changed` is sent by assessments.lifecycle once per operation (a save,
a decision, a bulk acceptance, an import), after the transaction commits, with
the periods whose answers changed. It is the only way the rest of the portal
(reports' index snapshots, notifications) learns that answers changed; nothing
sends Django's own model signals by hand.

Receivers get `period_ids` (a frozenset of EvaluationPeriod ids), `action`
(the lifecycle action, e.g. "submit") and `answer_ids` (a frozenset).
"""

from django.dispatch import Signal

answers_changed = Signal()
