import datetime

from django.db.models import QuerySet

from tuoyu.accounts.access import Perm
from tuoyu.registry.selectors import institutions_visible_to
from tuoyu.workforce.models import Staff, employed_on


def staff_visible_to(actor: object) -> QuerySet[Staff]:
    institutions = institutions_visible_to(actor, Perm.VIEW_STAFF)
    return Staff.objects.filter(institution__in=institutions).select_related("institution")


def staff_of_institution(actor: object, institution_id: int, *, on: datetime.date) -> QuerySet[Staff]:
    return staff_visible_to(actor).filter(employed_on(on), institution_id=institution_id)
