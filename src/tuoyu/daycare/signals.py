"""A notice that a child's symptoms were recorded (an abnormal check, an illness absence).

The infectious-disease watch listens to it; daycare does not depend on who listens.
"""

from django.dispatch import Signal

# Sent with care_class=<CareClass>, day=<date> once the recording transaction commits.
symptoms_recorded = Signal()
