"""The demo district's examinations, development screenings, referrals and vaccination-certificate checks.

Dates are relative to the day of loading; nothing is dated after it. For every child in care:

- the examinations of the schedule (``health.selectors.schedule``) whose due date is more than 10 days past,
  each a few days after its due date: community checks and blood and hearing tests at the community
  health centre (the hospital's records), examinations in care by the institution; haemoglobin normal;
- the development warning-sign checklist at every checkpoint reached, no sign present;
- the entry check of the vaccination certificate, as the enrolment task says (a catch-up note: an
  incomplete certificate, the family urged; re-checked a month later), and the yearly re-check of last
  year for the children in care all of last December.

Through the services, at 爱彼宝 (whose health worker is a demo account): the yearly examination in care of
three children is overdue (rule HLT-01); one child's haemoglobin is 102 g/L, referred for anaemia and being
followed up; one child's 18- or 24-month checklist showed a motor sign, referred and closed with its
outcome; another's showed a language sign five weeks ago, referred with no outcome yet (rule HLT-02); the
newest arrival's certificate misses doses and the family was urged. 赵女士's daughter 陆可馨 at the
medical-integrated centre has a complete record: every check and test of her schedule, every checklist,
her entry check complete.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.demo.district import demo_institutions
from tuoyu.demo.families import CATCH_UP
from tuoyu.enrolment.models import CareTask, Child, TaskKind
from tuoyu.health.development import CHECKPOINTS, signs_at
from tuoyu.health.models import (
    DevelopmentScreening,
    ExamKind,
    HealthExam,
    HearingResult,
    ImmunisationCheck,
    ImmunisationCheckKind,
    MeasurementSource,
    Referral,
)
from tuoyu.health.selectors.schedule import ChildSchedule, ScheduleItem, institution_schedules
from tuoyu.health.services import care as services
from tuoyu.registry.selectors import directors_of, health_workers_of
from tuoyu.workdays import months_later

AIBIBAO = "爱彼宝济宁托育中心"
BATCH = 500
NOT_YET_DAYS = 10
"""Items due within this many days are not done yet (the family has an appointment)."""
OVERDUE_CHILDREN = 3
CHILD_CARE_CLINIC = "济宁医学院附属医院儿童保健科"
MISSING_DOSES = (
    "乙肝疫苗第3剂",
    "麻腮风疫苗第1剂",
    "百白破疫苗第4剂",
    "乙脑减毒活疫苗第1剂",
    "A群流脑多糖疫苗第2剂",
)
NEWEST_MISSING = "乙肝疫苗第3剂、脊灰疫苗第3剂"
EXAM_NOTES: dict[str, str] = {
    ExamKind.COMMUNITY: "体格检查未见异常",
    ExamKind.IN_CARE: "生长发育良好，未见异常",
}


def _offset(child: Child, salt: int, spread: int) -> int:
    return (child.pk * 7 + salt * 3) % spread


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


@dataclass
class Picks:
    """The children of the cases told through the services, and what the bulk leaves for them."""

    overdue: list[ChildSchedule] = field(default_factory=list)
    anaemic: tuple[ChildSchedule, ScheduleItem] | None = None
    closed_sign: tuple[ChildSchedule, int] | None = None
    open_sign: tuple[ChildSchedule, int] | None = None
    skipped_exams: set[tuple[int, str, int]] = field(default_factory=set)
    skipped_screenings: set[tuple[int, int]] = field(default_factory=set)


class CareDemo:
    def __init__(self, *, users: dict[str, Any], today: datetime.date) -> None:
        self.today = today
        self.health_worker: User = users["health_worker"]
        self.schedules = institution_schedules(demo_institutions(), today)
        self.aibibao = [s for s in self.schedules if s.placement and s.placement.institution.name == AIBIBAO]

    def seed(self) -> None:
        picks = self.pick()
        self.seed_exams(picks)
        self.seed_screenings(picks)
        self.seed_certificate_checks()
        self.seed_cases(picks)

    # Whom the cases concern ----------------------------------------------------------------------------

    def pick(self) -> Picks:
        picks = Picks()
        taken: set[int] = set()
        for schedule in self.aibibao:
            late = [
                item
                for item in schedule.items
                if item.kind == ExamKind.IN_CARE and 31 < (self.today - item.due_on).days <= 150
            ]
            if late and len(picks.overdue) < OVERDUE_CHILDREN:
                picks.overdue.append(schedule)
                picks.skipped_exams.add((schedule.child.pk, late[0].kind, late[0].age_months))
                taken.add(schedule.child.pk)
        for schedule in self.aibibao:
            if schedule.child.pk in taken:
                continue
            blood = [
                item
                for item in schedule.items
                if item.kind == ExamKind.HAEMOGLOBIN
                and item.in_care
                and 20 <= (self.today - item.due_on).days <= 75
            ]
            if blood:
                picks.anaemic = (schedule, blood[0])
                picks.skipped_exams.add((schedule.child.pk, blood[0].kind, blood[0].age_months))
                taken.add(schedule.child.pk)
                break
        picks.closed_sign = self._checkpoint_reached(picks, taken, 70, 130)
        picks.open_sign = self._checkpoint_reached(picks, taken, 36, 55)
        return picks

    def _checkpoint_reached(
        self, picks: Picks, taken: set[int], least: int, most: int
    ) -> tuple[ChildSchedule, int] | None:
        """A child at 爱彼宝 who reached a checkpoint (18 months or later) ``least``–``most`` days ago."""
        for schedule in self.aibibao:
            if schedule.child.pk in taken or schedule.placement is None:
                continue
            for checkpoint in CHECKPOINTS:
                reached = months_later(schedule.child.birth_date, checkpoint)
                in_care = reached >= schedule.placement.start_date
                if checkpoint >= 18 and in_care and least <= (self.today - reached).days <= most:
                    picks.skipped_screenings.add((schedule.child.pk, checkpoint))
                    taken.add(schedule.child.pk)
                    return schedule, checkpoint
        return None

    # Every child's record, in bulk ------------------------------------------------------------------------

    def seed_exams(self, picks: Picks) -> None:
        exams = []
        for schedule in self.schedules:
            child, placement = schedule.child, schedule.placement
            assert placement is not None
            for item in schedule.items:
                if (self.today - item.due_on).days <= NOT_YET_DAYS:
                    continue
                if (child.pk, item.kind, item.age_months) in picks.skipped_exams:
                    continue
                on = min(
                    item.due_on + datetime.timedelta(days=_offset(child, item.age_months, 9)), self.today
                )
                exams.append(
                    HealthExam(
                        child=child,
                        kind=item.kind,
                        examined_on=on,
                        haemoglobin_g_l=112 + _offset(child, item.age_months, 24)
                        if item.kind == ExamKind.HAEMOGLOBIN
                        else None,
                        hearing_result=HearingResult.PASS if item.kind == ExamKind.HEARING else "",
                        note=EXAM_NOTES.get(item.kind, ""),
                        source=MeasurementSource.INSTITUTION
                        if item.kind == ExamKind.IN_CARE
                        else MeasurementSource.HOSPITAL,
                        institution=placement.institution if item.in_care else None,
                        recorded_at=_at(on, 16),
                    )
                )
        HealthExam.objects.bulk_create(exams, batch_size=BATCH)

    def seed_screenings(self, picks: Picks) -> None:
        screenings = []
        for schedule in self.schedules:
            child, placement = schedule.child, schedule.placement
            assert placement is not None
            for checkpoint in CHECKPOINTS:
                reached = months_later(child.birth_date, checkpoint)
                on = reached + datetime.timedelta(days=2 + _offset(child, checkpoint, 14))
                if on >= self.today or (child.pk, checkpoint) in picks.skipped_screenings:
                    continue
                screenings.append(
                    DevelopmentScreening(
                        child=child,
                        checkpoint_months=checkpoint,
                        screened_on=on,
                        positive_signs=[],
                        institution=placement.institution if on >= placement.start_date else None,
                        recorded_at=_at(on, 15),
                    )
                )
        DevelopmentScreening.objects.bulk_create(screenings, batch_size=BATCH)

    def seed_certificate_checks(self) -> None:
        """The entry checks the enrolment tasks record, their catch-up re-checks, last year's re-checks."""
        in_care = {s.child.pk: s for s in self.schedules}
        checks: list[ImmunisationCheck] = []
        rechecked: set[int] = set()
        last_year = self.today.year - 1
        checkers = self._checkers()
        tasks = CareTask.objects.filter(
            kind=TaskKind.VACCINATION_CHECK, done_at__isnull=False, child_id__in=list(in_care)
        ).select_related("child")
        for task in tasks:
            assert task.done_at is not None and task.done_by is not None
            day = timezone.localdate(task.done_at)
            complete = task.note != CATCH_UP
            checks.append(
                ImmunisationCheck(
                    child=task.child,
                    institution_id=task.institution_id,
                    kind=ImmunisationCheckKind.ENTRY,
                    checked_on=day,
                    complete=complete,
                    missing_doses="" if complete else MISSING_DOSES[task.child.pk % len(MISSING_DOSES)],
                    guardian_urged_at=None if complete else task.done_at,
                    checked_by=task.done_by,
                    recorded_at=task.done_at,
                )
            )
            caught_up = day + datetime.timedelta(days=30)
            if not complete and caught_up < self.today:
                checks.append(self._recheck(task.child, task.institution_id, caught_up, checkers))
                rechecked.add(task.child.pk)
        for schedule in self.schedules:
            placement = schedule.placement
            assert placement is not None
            if placement.start_date <= datetime.date(last_year, 12, 1) and schedule.child.pk not in rechecked:
                day = datetime.date(last_year, 11, 20) + datetime.timedelta(
                    days=_offset(schedule.child, 1, 30)
                )
                checks.append(self._recheck(schedule.child, placement.institution_id, day, checkers))
        ImmunisationCheck.objects.bulk_create(checks, batch_size=BATCH)

    def _checkers(self) -> dict[int, User]:
        """Who checks certificates at each institution: its health worker's account, else its director."""
        checkers = {}
        for institution in demo_institutions().filter(placements__isnull=False).distinct():
            checker = health_workers_of(institution.pk).first() or directors_of(institution.pk).first()
            if checker is not None:
                checkers[institution.pk] = checker
        return checkers

    @staticmethod
    def _recheck(
        child: Child, institution_id: int, day: datetime.date, checkers: dict[int, User]
    ) -> ImmunisationCheck:
        return ImmunisationCheck(
            child=child,
            institution_id=institution_id,
            kind=ImmunisationCheckKind.ANNUAL,
            checked_on=day,
            complete=True,
            checked_by=checkers[institution_id],
            recorded_at=_at(day, 10),
        )

    # The cases, through the services -----------------------------------------------------------------------

    def seed_cases(self, picks: Picks) -> None:
        worker = self.health_worker
        if picks.anaemic is not None:
            schedule, item = picks.anaemic
            on = item.due_on + datetime.timedelta(days=3)
            exam = services.health_exam_record(
                actor=worker,
                child=schedule.child,
                kind=ExamKind.HAEMOGLOBIN,
                examined_on=on,
                haemoglobin_g_l=102,
                note="面色稍苍白，饮食偏挑食",
                referred_to=CHILD_CARE_CLINIC,
            )
            referral = Referral.objects.get(exam=exam)
            services.referral_record_outcome(
                actor=worker,
                referral=referral,
                outcome="儿保科诊断：轻度缺铁性贫血；口服铁剂，增加红肉、动物肝脏，1个月后复查血红蛋白",
                outcome_on=min(on + datetime.timedelta(days=6), self.today),
            )
        if picks.closed_sign is not None:
            schedule, checkpoint = picks.closed_sign
            on = months_later(schedule.child.birth_date, checkpoint) + datetime.timedelta(days=4)
            screening = services.development_screening_record(
                actor=worker,
                child=schedule.child,
                checkpoint_months=checkpoint,
                screened_on=on,
                positive_signs=[signs_at(checkpoint)[3].code],  # the motor sign
                referred_to=CHILD_CARE_CLINIC,
            )
            outcome_on = on + datetime.timedelta(days=28)
            services.referral_record_outcome(
                actor=worker,
                referral=Referral.objects.get(screening=screening),
                outcome="儿保科发育评估（Gesell）：大运动发育稍落后，其余能区正常；已指导家庭训练，复评正常，结案",
                outcome_on=outcome_on,
                close=True,
                now=_at(outcome_on, 17),
            )
        if picks.open_sign is not None:
            schedule, checkpoint = picks.open_sign
            services.development_screening_record(
                actor=worker,
                child=schedule.child,
                checkpoint_months=checkpoint,
                screened_on=self.today - datetime.timedelta(days=35),
                positive_signs=[signs_at(checkpoint)[0].code],  # the language sign
                note="家长反映在家说话也少",
                referred_to=CHILD_CARE_CLINIC,
            )
        newest = (
            CareTask.objects.filter(
                kind=TaskKind.VACCINATION_CHECK,
                institution__name=AIBIBAO,
                done_at__isnull=True,
                due_on__gte=self.today,
            )
            .select_related("child")
            .order_by("due_on", "pk")
            .first()
        )
        if newest is not None:
            services.immunisation_check_record(
                actor=worker,
                child=newest.child,
                kind=ImmunisationCheckKind.ENTRY,
                checked_on=self.today - datetime.timedelta(days=1),
                complete=False,
                missing_doses=NEWEST_MISSING,
            )


def seed_care(*, users: dict[str, Any]) -> None:
    CareDemo(users=users, today=timezone.localdate()).seed()
