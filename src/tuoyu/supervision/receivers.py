from typing import Any

from tuoyu.registry.models import Institution
from tuoyu.supervision.services import findings_refresh


def refresh_findings_on_change(sender: Any, institution_id: int, **kwargs: Any) -> None:
    institution = Institution.objects.filter(pk=institution_id).first()
    if institution is not None:
        findings_refresh(institution=institution)
