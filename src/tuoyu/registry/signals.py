"""A notice that an institution's data changed, so that readers of it (the compliance rules) refresh.

It carries no domain flow: services send it on commit; receivers recompute what they derive.
"""

from django.dispatch import Signal

# Sent with institution_id=<pk>.
institution_data_changed = Signal()
