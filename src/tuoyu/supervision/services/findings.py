import datetime

from django.db import transaction
from django.utils import timezone, translation

from tuoyu.registry.models import Institution, OperatingStatus
from tuoyu.rules import RULES, Detected, one_evaluation
from tuoyu.supervision.models import FOUND_ON_SITE, Finding


@transaction.atomic
def findings_refresh(*, institution: Institution, day: datetime.date | None = None) -> tuple[int, int]:
    """Re-evaluate every rule for an institution: open what is detected, close what is no longer.

    Returns (opened, closed). Idempotent: a second run with unchanged data changes nothing.
    """
    day = day or timezone.localdate()
    now = timezone.now()
    # Lock and re-read the institution, so two refreshes of one institution run one after the other on
    # the data as it is now.
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    open_findings = {
        (f.rule_code, f.subject_key): f
        for f in Finding.objects.filter(institution=institution, resolved_at=None).exclude(
            rule_code=FOUND_ON_SITE
        )
    }
    seen: set[tuple[str, str]] = set()
    new: list[Finding] = []
    active = institution.operating_status != OperatingStatus.CLOSED
    # Evidence is stored in the regulator's language; the rules share what they read of the institution.
    with translation.override("zh-hans"), one_evaluation():
        for code, rule in RULES.items():
            for detected in rule.evaluate(institution, day) if active else ():
                key = (code, detected.subject_key)
                seen.add(key)
                described = _described(detected)
                finding = open_findings.get(key)
                if finding is None:
                    new.append(
                        Finding(
                            rule_code=code,
                            severity=rule.severity,
                            institution=institution,
                            subject_key=detected.subject_key,
                            detected_at=now,
                            **described,
                        )
                    )
                elif any(getattr(finding, name) != value for name, value in described.items()):
                    for name, value in described.items():
                        setattr(finding, name, value)
                    finding.save(update_fields=list(described))
    Finding.objects.bulk_create(new)
    resolved = [finding.pk for key, finding in open_findings.items() if key not in seen]
    Finding.objects.filter(pk__in=resolved).update(resolved_at=now)
    return len(new), len(resolved)


def _described(detected: Detected) -> dict[str, object]:
    return {
        "subject_label": detected.subject_label[:120],
        "evidence": detected.evidence,
        "summary": detected.summary[:300],
        "about_child": detected.about_child,
    }


def findings_refresh_all(*, day: datetime.date | None = None) -> tuple[int, int]:
    opened = closed = 0
    for institution in Institution.objects.order_by("pk"):
        o, c = findings_refresh(institution=institution, day=day)
        opened, closed = opened + o, closed + c
    return opened, closed
