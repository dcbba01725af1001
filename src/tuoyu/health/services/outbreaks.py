"""The outbreak watch: clusters of symptoms per class, notifiable diseases and disease clusters, exclusion
of sick children until they may return, classes in quarantine, and the reports to the authority.

- **Symptom clusters** (YQ06, national rules §9.1, §16.7): after every morning or noon check that is abnormal
  and every illness absence, ``outbreak_watch`` reads the class's symptom log. 3 or more children with the
  same symptom category on one day (``same_day``), or 5 or more within 3 consecutive days ending that day
  (``three_days``), open an outbreak report due within 24 hours. While a report of that class and symptom
  is active, a further case joins it instead of opening another; the class row is locked, so two
  recordings at the same moment still make one report.
- **Diagnoses**: a case (suspected or confirmed) of a notifiable disease (法定传染病) is reported at once
  (due immediately; the OUT rule allows ``IMMEDIATE_REPORT_HOURS`` of grace). The cases of one disease in a
  class gather in one report until it is submitted; when the disease table's class rule is met (e.g. hand,
  foot and mouth disease: 2 in a class within 7 days) it is a ``disease_cluster``, and for a disease that is
  not notifiable that cluster opens a report due within 24 hours. The table's institution rule (cases in
  every class) opens a report for the whole institution. Every diagnosis excludes the child from check-in
  until ``excluded_until`` (onset + the disease's exclusion days); after a notifiable disease the child
  returns only once the health worker has checked a return certificate (复课证明, §9.8).
- **Quarantine** (§9.10): a class under observation takes no new admission until its end date (an admission
  guard of ``enrolment``).
- **Reports**: the institution submits the report (what, when, cases, measures), then resolves it with the
  outcome. Opening a report alerts the institution's health workers and directors and the district's
  regulators, in the inbox and by text message.

Refusal codes: ``status_invalid``, ``onset_in_future``, ``diagnosed_in_future``, ``diagnosed_before_onset``,
``not_in_care``, ``issuer_required``, ``issued_in_future``, ``certificate_before_exclusion_ends``,
``reason_required``, ``quarantine_ends_before_start``, ``quarantine_over``, ``outbreak_elsewhere``,
``report_required``, ``resolution_required`` (400); ``already_diagnosed``, ``already_certified``,
``already_in_quarantine``, ``already_reported``, ``already_resolved``, ``report_first`` (409);
guards: ``child_excluded`` and ``class_in_quarantine`` (409). Whoever may not record for the
institution gets ``NotPermitted`` (404).
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import Perm, actor_may
from tuoyu.accounts.models import User
from tuoyu.daycare.models import Symptom
from tuoyu.enrolment.models import Child
from tuoyu.health.models import (
    ClassQuarantine,
    Diagnosis,
    DiagnosisStatus,
    Disease,
    OutbreakReport,
    OutbreakTrigger,
    ReturnCertificate,
)
from tuoyu.health.selectors.outbreaks import (
    IMMEDIATE_REPORT_HOURS,
    exclusions_of,
    placement_for_diagnosis,
    quarantine_covering,
    symptom_log,
)
from tuoyu.notifications.models import NotificationKind
from tuoyu.notifications.services import notify_all
from tuoyu.refusals import NotPermitted, Refusal
from tuoyu.registry.models import CareClass, Institution
from tuoyu.registry.selectors import directors_of, health_workers_of, regulators_of
from tuoyu.registry.signals import announce_change

SAME_DAY_CASES = 3
"""Children with the same symptom in one class on one day that make a cluster (YQ06)."""
THREE_DAY_CASES, THREE_DAY_WINDOW = 5, 3
"""Children with the same symptom in one class within this many consecutive days (YQ06)."""
REPORT_HOURS = 24
"""A cluster is reported within 24 hours (YQ06, §9.1)."""

__all__ = [
    "IMMEDIATE_REPORT_HOURS",
    "diagnosis_record",
    "outbreak_report_submit",
    "outbreak_resolve",
    "outbreak_watch",
    "quarantine_record",
    "refuse_excluded_child",
    "refuse_quarantined_class",
    "return_certificate_record",
]


def _require_recorder(by: User, institution_id: int) -> None:
    if not actor_may(by, Perm.RECORD_HEALTH, institution_id):
        raise NotPermitted(_("Only the institution's director or health worker records this."))


def _outbreak_link(outbreak: OutbreakReport) -> str:
    return reverse("health:outbreak", args=[outbreak.pk])


def _people_to_alert(institution: Institution) -> list[User]:
    people: dict[int, User] = {}
    for user in [
        *health_workers_of(institution.pk),
        *directors_of(institution.pk),
        *regulators_of(institution),
    ]:
        people.setdefault(user.pk, user)
    return list(people.values())


class _ChoiceLabel:
    """A choice's label for a message, translated when the message is filled in for its recipient."""

    def __init__(self, choices: Any, value: str) -> None:
        self.labels, self.value = dict(choices), value

    def __str__(self) -> str:
        return str(self.labels.get(self.value, self.value))


def _alert_texts(outbreak: OutbreakReport) -> tuple[Any, Any]:
    """The title and body of the alert (lazy: each recipient reads them in their language)."""
    if outbreak.disease is None:
        title = _("Outbreak report due by %(due)s: cluster at %(institution)s")
        body = _(
            "%(count)d children with the same symptom (%(symptom)s) in %(where)s since %(first)s "
            "(%(trigger)s). Report it by %(due)s."
        )
    elif outbreak.due_at <= outbreak.opened_at:
        title = _("Report at once: %(disease)s at %(institution)s")
        body = _("Cases so far: %(count)d, in %(where)s, since %(first)s (%(trigger)s). Report it now.")
    else:
        title = _("Outbreak report due by %(due)s: %(disease)s at %(institution)s")
        body = _(
            "Cases so far: %(count)d, in %(where)s, since %(first)s (%(trigger)s). Report it by %(due)s."
        )
    return title, body


def _alert_opened(outbreak: OutbreakReport) -> None:
    """Tell the institution's health workers and directors and the district's regulators, by text too."""
    institution = outbreak.institution
    title, body = _alert_texts(outbreak)
    params = {
        "due": timezone.localtime(outbreak.due_at).strftime("%Y-%m-%d %H:%M"),
        "disease": outbreak.disease.name if outbreak.disease is not None else "",
        "institution": institution.name,
        "count": outbreak.case_count,
        "where": outbreak.care_class.name if outbreak.care_class is not None else institution.name,
        "first": outbreak.first_day.isoformat(),
        "trigger": _ChoiceLabel(OutbreakTrigger.choices, outbreak.trigger),
        "symptom": _ChoiceLabel(Symptom.choices, outbreak.symptom),
    }
    notify_all(
        _people_to_alert(institution),
        kind=NotificationKind.OUTBREAK_OPENED,
        title=title,
        body=body,
        params=params,
        link=_outbreak_link(outbreak),
        sms=True,
    )


def _open_report(
    *,
    institution: Institution,
    care_class: CareClass | None,
    trigger: str,
    children: Iterable[int],
    first_day: datetime.date,
    last_day: datetime.date,
    due_at: datetime.datetime,
    now: datetime.datetime,
    symptom: str = "",
    disease: Disease | None = None,
) -> OutbreakReport:
    cases = sorted(set(children))
    outbreak = OutbreakReport(
        institution=institution,
        care_class=care_class,
        trigger=trigger,
        symptom=symptom,
        disease=disease,
        first_day=first_day,
        last_day=last_day,
        case_count=len(cases),
        opened_at=now,
        due_at=due_at,
    )
    outbreak.full_clean()
    outbreak.save()
    outbreak.cases.set(cases)
    _alert_opened(outbreak)
    announce_change(institution.pk)
    return outbreak


def _add_cases(
    outbreak: OutbreakReport, children: Iterable[int], first_day: datetime.date, last_day: datetime.date
) -> OutbreakReport:
    """A further case of an active outbreak joins it: its cases, count and days follow."""
    outbreak.cases.add(*set(children))
    outbreak.case_count = outbreak.cases.count()
    outbreak.first_day = min(outbreak.first_day, first_day)
    outbreak.last_day = max(outbreak.last_day, last_day)
    outbreak.save(update_fields=["case_count", "first_day", "last_day"])
    return outbreak


# Symptom clusters -----------------------------------------------------------------------------------------


def _active_symptom_report(care_class: CareClass, symptom: str) -> OutbreakReport | None:
    return (
        OutbreakReport.objects.filter(
            care_class=care_class,
            symptom=symptom,
            trigger__in=[OutbreakTrigger.SAME_DAY, OutbreakTrigger.THREE_DAYS],
            resolved_at__isnull=True,
        )
        .order_by("-opened_at", "-pk")
        .first()
    )


@transaction.atomic
def outbreak_watch(
    *, care_class: CareClass, day: datetime.date, now: datetime.datetime | None = None
) -> list[OutbreakReport]:
    """Look for clusters of one symptom in the class, for the cases of ``day``; open or update the reports.

    Returns the reports opened or updated. Idempotent: run again on the same data, it changes nothing.
    A day still to come (an illness absence the family announced ahead) is watched once it has come.
    """
    now = now or timezone.now()
    if day > timezone.localdate():
        return []
    # One watcher per class at a time: a second recording waits here and then sees the first's report.
    care_class = (
        CareClass.objects.select_for_update(of=("self",))
        .select_related("institution__street")
        .get(pk=care_class.pk)
    )
    first = day - datetime.timedelta(days=THREE_DAY_WINDOW - 1)
    touched = []
    for symptom, by_day in sorted(symptom_log(care_class, first, day).items()):
        on_day = by_day.get(day, set())
        if not on_day:
            continue  # nothing recorded that day for this symptom: nothing new to watch
        active = _active_symptom_report(care_class, symptom)
        if active is not None:
            touched.append(_add_cases(active, on_day, day, day))
            continue
        in_window = set().union(*by_day.values())
        if len(on_day) >= SAME_DAY_CASES:
            trigger, cases, first_day = OutbreakTrigger.SAME_DAY, on_day, day
        elif len(in_window) >= THREE_DAY_CASES:
            trigger, cases, first_day = OutbreakTrigger.THREE_DAYS, in_window, min(by_day)
        else:
            continue
        touched.append(
            _open_report(
                institution=care_class.institution,
                care_class=care_class,
                trigger=trigger,
                symptom=symptom,
                children=cases,
                first_day=first_day,
                last_day=day,
                due_at=now + datetime.timedelta(hours=REPORT_HOURS),
                now=now,
            )
        )
    return touched


# Diagnoses ------------------------------------------------------------------------------------------------


def _parse_status(status: str) -> str:
    if status not in DiagnosisStatus.values:
        raise Refusal(_("Choose suspected or confirmed."), "status_invalid")
    return status


def _check_dates(onset_on: datetime.date, diagnosed_on: datetime.date, today: datetime.date) -> None:
    if onset_on > today:
        raise Refusal(_("The onset cannot be in the future."), "onset_in_future")
    if diagnosed_on > today:
        raise Refusal(_("The diagnosis cannot be dated in the future."), "diagnosed_in_future")
    if diagnosed_on < onset_on:
        raise Refusal(_("The diagnosis cannot be before the onset."), "diagnosed_before_onset")


@transaction.atomic
def diagnosis_record(
    *,
    child: Child,
    disease: Disease,
    status: str,
    onset_on: datetime.date,
    diagnosed_on: datetime.date,
    by: User,
    diagnosed_by: str = "",
    now: datetime.datetime | None = None,
) -> Diagnosis:
    """Record a child's infectious disease (suspected or confirmed), exclude the child, and open the report
    it calls for: at once for a notifiable disease, within 24 hours for a cluster of the disease.

    A suspected diagnosis of the same disease that still excludes the child is confirmed instead of recorded
    twice.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    status = _parse_status(status)
    _check_dates(onset_on, diagnosed_on, today)
    placement = placement_for_diagnosis(child, by, today)
    if placement is None:
        raise Refusal(
            _("%(child)s holds no place at an institution where you record health acts.")
            % {"child": child.name},
            "not_in_care",
        )
    institution = Institution.objects.select_for_update().get(pk=placement.institution_id)
    earlier = next((d for d in exclusions_of(child, today) if d.disease_id == disease.pk), None)
    if earlier is not None:
        return _confirm(earlier, status, diagnosed_on, diagnosed_by)
    diagnosis = Diagnosis(
        child=child,
        institution=institution,
        care_class=placement.care_class,
        disease=disease,
        status=status,
        onset_on=onset_on,
        diagnosed_on=diagnosed_on,
        diagnosed_by=diagnosed_by.strip(),
        excluded_until=onset_on + datetime.timedelta(days=disease.exclusion_days),
        recorded_by=by,
        recorded_at=now,
    )
    diagnosis.full_clean()
    diagnosis.save()
    _report_diagnosis(diagnosis, now)
    return diagnosis


def _confirm(diagnosis: Diagnosis, status: str, diagnosed_on: datetime.date, diagnosed_by: str) -> Diagnosis:
    if diagnosis.status == DiagnosisStatus.CONFIRMED or status == DiagnosisStatus.SUSPECTED:
        raise Refusal(
            _("%(child)s already has a diagnosis of %(disease)s that still keeps them out of care.")
            % {"child": diagnosis.child.name, "disease": diagnosis.disease.name},
            "already_diagnosed",
            conflict=True,
        )
    diagnosis.status = DiagnosisStatus.CONFIRMED
    diagnosis.diagnosed_on = max(diagnosed_on, diagnosis.onset_on)
    diagnosis.diagnosed_by = diagnosed_by.strip() or diagnosis.diagnosed_by
    diagnosis.full_clean()
    diagnosis.save(update_fields=["status", "diagnosed_on", "diagnosed_by"])
    return diagnosis


def cluster_in_window(
    onsets: dict[int, datetime.date], around: datetime.date, window_days: int, threshold: int
) -> dict[int, datetime.date]:
    """The largest group of children whose onsets fall within ``window_days`` consecutive days including
    ``around``, if it reaches ``threshold`` (else empty)."""
    best: dict[int, datetime.date] = {}
    for offset in range(window_days):
        start = around - datetime.timedelta(days=window_days - 1 - offset)
        end = start + datetime.timedelta(days=window_days - 1)
        group = {child: onset for child, onset in onsets.items() if start <= onset <= end}
        if len(group) > len(best):
            best = group
    return best if len(best) >= threshold else {}


def _onsets(diagnoses: Iterable[tuple[int, datetime.date]]) -> dict[int, datetime.date]:
    """Each child's earliest onset (a child counts once)."""
    onsets: dict[int, datetime.date] = {}
    for child_id, onset in diagnoses:
        onsets[child_id] = min(onset, onsets.get(child_id, onset))
    return onsets


def _open_disease_report(diagnosis: Diagnosis, care_class: CareClass | None) -> OutbreakReport | None:
    """The disease's report in this class (or, with ``care_class`` None, the whole institution) that a new
    case joins: the active one, and for a notifiable disease only while it is not yet submitted (a case
    after the report is a new report, due at once)."""
    reports = OutbreakReport.objects.filter(
        institution_id=diagnosis.institution_id,
        care_class=care_class,
        disease_id=diagnosis.disease_id,
        trigger__in=[OutbreakTrigger.NOTIFIABLE_CASE, OutbreakTrigger.DISEASE_CLUSTER],
        resolved_at__isnull=True,
    )
    if diagnosis.disease.notifiable:
        reports = reports.filter(reported_at__isnull=True)
    return reports.order_by("-opened_at", "-pk").first()


def _report_disease(
    diagnosis: Diagnosis,
    care_class: CareClass | None,
    cluster: dict[int, datetime.date],
    now: datetime.datetime,
) -> OutbreakReport | None:
    """Open or update the disease's report in one scope (a class, or the institution with ``care_class``
    None). In a class, a notifiable case is reported even alone; in the institution, only a cluster."""
    disease = diagnosis.disease
    joining = {diagnosis.child_id: diagnosis.onset_on, **cluster}
    report = _open_disease_report(diagnosis, care_class)
    if report is not None:
        _add_cases(report, joining, min(joining.values()), max(joining.values()))
        if cluster and report.trigger != OutbreakTrigger.DISEASE_CLUSTER:
            report.trigger = OutbreakTrigger.DISEASE_CLUSTER  # the case report now covers a cluster
            report.save(update_fields=["trigger"])
        return report
    if not cluster and not (disease.notifiable and care_class is not None):
        return None
    return _open_report(
        institution=diagnosis.institution,
        care_class=care_class,
        trigger=OutbreakTrigger.DISEASE_CLUSTER if cluster else OutbreakTrigger.NOTIFIABLE_CASE,
        disease=disease,
        children=joining,
        first_day=min(joining.values()),
        last_day=max(joining.values()),
        due_at=now if disease.notifiable else now + datetime.timedelta(hours=REPORT_HOURS),
        now=now,
    )


def _report_diagnosis(diagnosis: Diagnosis, now: datetime.datetime) -> None:
    """The reports a diagnosis calls for (national rules §9.2, §9.6, §16.7):

    - in its class: a notifiable case is reported at once; the cases of the disease in the class gather in
      one report while it is not submitted, which becomes a cluster when the disease table's class rule is
      met (for a disease that is not notifiable, that cluster opens a report due within 24 hours);
    - in the institution: the table's institution rule (cases in every class within the window) opens a
      report of its own.
    """
    disease = diagnosis.disease
    span = datetime.timedelta(days=disease.window_days - 1)
    nearby = Diagnosis.objects.filter(
        disease=disease,
        institution_id=diagnosis.institution_id,
        onset_on__range=(diagnosis.onset_on - span, diagnosis.onset_on + span),
    )
    if diagnosis.care_class is not None:
        cluster: dict[int, datetime.date] = {}
        if disease.class_cases is not None:
            in_class = _onsets(
                nearby.filter(care_class=diagnosis.care_class).values_list("child_id", "onset_on")
            )
            cluster = cluster_in_window(
                in_class, diagnosis.onset_on, disease.window_days, disease.class_cases
            )
        _report_disease(diagnosis, diagnosis.care_class, cluster, now)
    if disease.institution_cases is not None:
        in_institution = _onsets(nearby.values_list("child_id", "onset_on"))
        cluster = cluster_in_window(
            in_institution, diagnosis.onset_on, disease.window_days, disease.institution_cases
        )
        _report_disease(diagnosis, None, cluster, now)


# Return certificates and exclusion -----------------------------------------------------------------------


@transaction.atomic
def return_certificate_record(
    *,
    diagnosis: Diagnosis,
    issued_by: str,
    issued_on: datetime.date,
    by: User,
    now: datetime.datetime | None = None,
) -> ReturnCertificate:
    """The health worker checked the medical certificate that the child may return (复课证明)."""
    now = now or timezone.now()
    diagnosis = (
        Diagnosis.objects.select_for_update(of=("self",))
        .select_related("child", "disease")
        .get(pk=diagnosis.pk)
    )
    _require_recorder(by, diagnosis.institution_id)
    if ReturnCertificate.objects.filter(diagnosis=diagnosis).exists():
        raise Refusal(
            _("The return certificate of this diagnosis is already checked."),
            "already_certified",
            conflict=True,
        )
    issued_by = issued_by.strip()
    if not issued_by:
        raise Refusal(
            _("Name the medical institution or doctor who issued the certificate."), "issuer_required"
        )
    if issued_on > timezone.localdate(now):
        raise Refusal(_("The certificate cannot be issued in the future."), "issued_in_future")
    if issued_on < diagnosis.excluded_until:
        raise Refusal(
            _(
                "A certificate issued on %(issued)s is before the exclusion for %(disease)s ends "
                "(%(until)s); ask for one issued on or after that day."
            )
            % {
                "issued": issued_on.isoformat(),
                "disease": diagnosis.disease.name,
                "until": diagnosis.excluded_until.isoformat(),
            },
            "certificate_before_exclusion_ends",
        )
    certificate = ReturnCertificate(
        diagnosis=diagnosis, issued_by=issued_by, issued_on=issued_on, checked_by=by, checked_at=now
    )
    certificate.full_clean()
    certificate.save()
    return certificate


def refuse_excluded_child(child: Child, day: datetime.date) -> None:
    """Check-in guard: a child is refused while a diagnosis excludes them (see ``selectors.excluding_on``)."""
    exclusions = exclusions_of(child, day)
    if not exclusions:
        return
    diagnosis = exclusions[0]
    values = {
        "child": child.name,
        "disease": diagnosis.disease.name,
        "until": diagnosis.excluded_until.isoformat(),
    }
    if day <= diagnosis.excluded_until and diagnosis.disease.notifiable:
        message = _(
            "%(child)s is excluded from care (%(disease)s) until %(until)s inclusive, and may return only "
            "after the health worker has checked a return certificate (复课证明)."
        )
    elif day <= diagnosis.excluded_until:
        message = _("%(child)s is excluded from care (%(disease)s) until %(until)s inclusive.")
    else:
        message = _(
            "The exclusion of %(child)s (%(disease)s) ended on %(until)s, but no return certificate "
            "(复课证明) has been checked yet: the health worker checks it before the child returns."
        )
    raise Refusal(message % values, "child_excluded", conflict=True)


# Quarantine -----------------------------------------------------------------------------------------------


@transaction.atomic
def quarantine_record(
    *,
    care_class: CareClass,
    starts_on: datetime.date,
    ends_on: datetime.date,
    reason: str,
    by: User,
    outbreak: OutbreakReport | None = None,
    now: datetime.datetime | None = None,
) -> ClassQuarantine:
    """Put a class under observation (quarantine): no new admission until ``ends_on`` inclusive."""
    now = now or timezone.now()
    care_class = (
        CareClass.objects.select_for_update(of=("self",)).select_related("institution").get(pk=care_class.pk)
    )
    _require_recorder(by, care_class.institution_id)
    reason = reason.strip()
    if not reason:
        raise Refusal(_("Say why the class is in quarantine."), "reason_required")
    if ends_on < starts_on:
        raise Refusal(_("The quarantine cannot end before it starts."), "quarantine_ends_before_start")
    if ends_on < timezone.localdate(now):
        raise Refusal(_("This quarantine would already be over."), "quarantine_over")
    if outbreak is not None and outbreak.institution_id != care_class.institution_id:
        raise Refusal(_("This outbreak report belongs to another institution."), "outbreak_elsewhere")
    overlapping = (
        ClassQuarantine.objects.filter(care_class=care_class, starts_on__lte=ends_on, ends_on__gte=starts_on)
        .order_by("-ends_on")
        .first()
    )
    if overlapping is not None:
        raise Refusal(
            _("%(class)s is already in quarantine from %(start)s to %(end)s; a new one may start after that.")
            % {
                "class": care_class.name,
                "start": overlapping.starts_on.isoformat(),
                "end": overlapping.ends_on.isoformat(),
            },
            "already_in_quarantine",
            conflict=True,
        )
    quarantine = ClassQuarantine(
        care_class=care_class,
        outbreak=outbreak,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        created_by=by,
        created_at=now,
    )
    quarantine.full_clean()
    quarantine.save()
    return quarantine


def refuse_quarantined_class(care_class: CareClass, day: datetime.date) -> None:
    """Admission guard: no offer or acceptance of a place in a class in quarantine on ``day``."""
    quarantine = quarantine_covering(care_class, day)
    if quarantine is not None:
        raise Refusal(
            _("%(class)s is in quarantine until %(end)s: it takes no new children before then.")
            % {"class": care_class.name, "end": quarantine.ends_on.isoformat()},
            "class_in_quarantine",
            conflict=True,
        )


# Reporting and resolving ----------------------------------------------------------------------------------


def _unresolved_locked_for(outbreak: OutbreakReport, by: User) -> OutbreakReport:
    """The outbreak, locked, for ``by`` to report or resolve: refused if ``by`` does not record health acts
    at its institution, or if it is already resolved."""
    outbreak = (
        OutbreakReport.objects.select_for_update(of=("self",))
        .select_related("institution", "care_class")
        .get(pk=outbreak.pk)
    )
    _require_recorder(by, outbreak.institution_id)
    if outbreak.resolved_at is not None:
        raise Refusal(_("This outbreak is already resolved."), "already_resolved", conflict=True)
    return outbreak


def _save_and_tell_regulators(
    outbreak: OutbreakReport, fields: list[str], *, kind: NotificationKind, title: Any, by: User
) -> OutbreakReport:
    """Save what ``by`` wrote on the outbreak, tell the district's regulators, let the rules read it again."""
    outbreak.full_clean()
    outbreak.save(update_fields=fields)
    notify_all(
        regulators_of(outbreak.institution),
        kind=kind,
        title=title,
        params={"institution": outbreak.institution.name, "by": by.display_name},
        link=_outbreak_link(outbreak),
    )
    announce_change(outbreak.institution_id)
    return outbreak


@transaction.atomic
def outbreak_report_submit(
    *, outbreak: OutbreakReport, report: str, by: User, now: datetime.datetime | None = None
) -> OutbreakReport:
    """The institution's report to the CDC and the health authority: what, when, the cases, the measures."""
    now = now or timezone.now()
    outbreak = _unresolved_locked_for(outbreak, by)
    if outbreak.reported_at is not None:
        raise Refusal(_("This outbreak is already reported."), "already_reported", conflict=True)
    report = report.strip()
    if not report:
        raise Refusal(
            _("Write the report: what happened, since when, the cases and the measures taken."),
            "report_required",
        )
    outbreak.report, outbreak.reported_at, outbreak.reported_by = report, now, by
    return _save_and_tell_regulators(
        outbreak,
        ["report", "reported_at", "reported_by"],
        kind=NotificationKind.OUTBREAK_REPORTED,
        title=_("Outbreak reported by %(institution)s"),
        by=by,
    )


@transaction.atomic
def outbreak_resolve(
    *, outbreak: OutbreakReport, resolution: str, by: User, now: datetime.datetime | None = None
) -> OutbreakReport:
    """Close an outbreak with its outcome (no new case, quarantine ended, children returned ...)."""
    now = now or timezone.now()
    outbreak = _unresolved_locked_for(outbreak, by)
    if outbreak.reported_at is None:
        raise Refusal(_("Submit the report before resolving the outbreak."), "report_first", conflict=True)
    resolution = resolution.strip()
    if not resolution:
        raise Refusal(_("Write how the outbreak was resolved."), "resolution_required")
    outbreak.resolution, outbreak.resolved_at, outbreak.resolved_by = resolution, now, by
    return _save_and_tell_regulators(
        outbreak,
        ["resolution", "resolved_at", "resolved_by"],
        kind=NotificationKind.OUTBREAK_RESOLVED,
        title=_("Outbreak resolved at %(institution)s"),
        by=by,
    )
