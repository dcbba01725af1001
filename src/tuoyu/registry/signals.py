"""A notice that an institution's data changed, so that readers of it (the compliance rules) refresh.

It carries no domain flow: writers call ``announce_change`` and receivers recompute what they derive,
once per institution when the transaction commits (an import of 500 rows refreshes once, not 500 times).
"""

from dataclasses import dataclass

from django.db import transaction
from django.dispatch import Signal

# Sent with institution_id=<pk>.
institution_data_changed = Signal()


@dataclass(frozen=True)
class _Announcement:
    institution_id: int

    def __call__(self) -> None:
        institution_data_changed.send(sender=_Announcement, institution_id=self.institution_id)


def announce_change(institution_id: int) -> None:
    """Send ``institution_data_changed`` on commit, once per institution and transaction."""
    pending = transaction.get_connection().run_on_commit
    if any(callback == _Announcement(institution_id) for _savepoints, callback, _robust in pending):
        return
    transaction.on_commit(_Announcement(institution_id))
