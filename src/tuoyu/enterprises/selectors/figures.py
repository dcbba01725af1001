"""The desk's figures for a month (local dates, Asia/Shanghai) over a set of requests: the four rates with
their numerators and denominators, by team, department, category and month, and the 堵点 most often raised.

- **response rate** (按时受理率): of the requests recorded in the month, the share accepted on time
  (``accepted_at`` not later than ``accept_by``);
- **on-time closure rate** (按时办结率): of the requests closed in the month (the case closed or followed up,
  its ``closed_at`` in the month), the share closed on or before the deadline (local date of the closure);
- **resolution rate** (解决率): of the requests closed in the month, the share marked resolved;
- **satisfaction rate** (满意率): of the ratings given in the month, the share 满意 or 基本满意.

A rate whose denominator is empty is "no data" (``None``), never 0 or 100 %. A reopened request counts in
the month of its last closure: reopening clears the closure, closing again dates it anew. A deadline that
falls in a year whose holidays are not published (``deadline_year_unknown``) has no date: its closure counts
as on time only when it came before that year began.

Pages read ``requests_of_region(actor, region)`` (the actor's visible requests within the region); the API
reads ``requests_in_region(region)`` once it has checked that the region is among ``regions_served_by``.
"""

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, DateTimeField, Expression, F, Q, QuerySet
from django.db.models.functions import ExtractYear, Length, TruncDate, TruncMonth
from django.utils import timezone

from tuoyu.accounts.access import Perm, region_condition, scope_of
from tuoyu.enterprises import kinds
from tuoyu.enterprises.models import (
    Category,
    Department,
    Rating,
    Satisfaction,
    ServiceRequest,
    ServiceTeam,
)
from tuoyu.enterprises.selectors.access import requests_visible_to
from tuoyu.regions.models import Region

MIN_YEAR, MAX_YEAR = 2000, 2100
MONTH_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}")
TREND_MONTHS = 12
SATISFIED = (Satisfaction.SATISFIED, Satisfaction.FAIRLY_SATISFIED)
CLOSED_STATES = tuple(sorted(kinds.REQUEST_KIND.closed))


# Months -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month, from its first day 00:00 to the next month's first day 00:00, local time."""

    year: int
    month: int

    @classmethod
    def of(cls, day: datetime.date) -> "Month":
        return cls(day.year, day.month)

    @property
    def first(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    @property
    def last(self) -> datetime.date:
        return self.shifted(1).first - datetime.timedelta(days=1)

    @property
    def start(self) -> datetime.datetime:
        """The first instant of the month, local time."""
        return datetime.datetime.combine(self.first, datetime.time(), tzinfo=timezone.get_default_timezone())

    @property
    def end(self) -> datetime.datetime:
        """The first instant after the month."""
        return self.shifted(1).start

    def shifted(self, months: int) -> "Month":
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def month_parsed(text: str) -> Month:
    """``YYYY-MM`` as a month (years 2000 to 2100); anything else raises ``ValueError``."""
    value = (text or "").strip()
    if not MONTH_PATTERN.fullmatch(value):
        raise ValueError(f"{value!r} is not a month written YYYY-MM")
    year, month = int(value[:4]), int(value[5:])
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        raise ValueError(f"{value!r} is not a month written YYYY-MM")
    return Month(year, month)


def last_full_month(today: datetime.date) -> Month:
    """The month before ``today``'s: the default month of the figures and of the monthly report."""
    return Month.of(today).shifted(-1)


# Rates --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """A share with its numerator and denominator; no denominator is no data."""

    numerator: int
    denominator: int

    @property
    def value(self) -> Decimal | None:
        if not self.denominator:
            return None
        return Decimal(self.numerator) / Decimal(self.denominator)

    @property
    def fraction(self) -> float | None:
        """0–1, rounded to 4 places (half up); ``None`` when there is no data."""
        value = self.value
        return None if value is None else float(value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))

    @property
    def percent(self) -> Decimal | None:
        """0–100 with one decimal (half up); ``None`` when there is no data."""
        value = self.value
        return None if value is None else (value * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def shown(self) -> str:
        """As a page shows it: ``87.5%``, or ``—`` when there is no data."""
        percent = self.percent
        return "—" if percent is None else f"{percent}%"


@dataclass(frozen=True)
class Counts:
    """What the four rates are computed from."""

    recorded: int = 0
    accepted_on_time: int = 0
    closed: int = 0
    closed_on_time: int = 0
    resolved: int = 0
    ratings: int = 0
    satisfied: int = 0

    @property
    def response_rate(self) -> Rate:
        return Rate(self.accepted_on_time, self.recorded)

    @property
    def on_time_closure_rate(self) -> Rate:
        return Rate(self.closed_on_time, self.closed)

    @property
    def resolution_rate(self) -> Rate:
        return Rate(self.resolved, self.closed)

    @property
    def satisfaction_rate(self) -> Rate:
        return Rate(self.satisfied, self.ratings)

    @property
    def rates(self) -> list[Rate]:
        """The four rates, in their order on the page."""
        return [self.response_rate, self.on_time_closure_rate, self.resolution_rate, self.satisfaction_rate]

    @property
    def is_empty(self) -> bool:
        return not (self.recorded or self.closed or self.ratings)

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(
            **{name: getattr(self, name) + getattr(other, name) for name in self.__dataclass_fields__}
        )

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True)
class Row:
    """A line of a breakdown: what it is about (a team, a department, a category, a month) and its counts."""

    label: str
    counts: Counts
    key: Any = None


@dataclass(frozen=True)
class Ranked:
    """A category (堵点) with the requests recorded about it."""

    category: str
    label: str
    requests: int


# Which requests -----------------------------------------------------------------------------------------


def regions_served_by(actor: object) -> QuerySet[Region]:
    """The regions where the actor serves enterprises: the regions of their service teams and everything
    below them."""
    scope = scope_of(actor, Perm.SERVE_ENTERPRISES)
    if scope.everything:
        return Region.objects.all()
    if not scope.region_paths:
        return Region.objects.none()
    return Region.objects.filter(region_condition(scope, ""))


def home_region_of(actor: object) -> Region | None:
    """The region the actor's figures open on: the highest region they serve (their team's)."""
    regions = regions_served_by(actor)
    scope = scope_of(actor, Perm.SERVE_ENTERPRISES)
    if not scope.everything:
        regions = regions.filter(path__in=scope.region_paths)
    return regions.annotate(depth=Length("path")).order_by("depth", "path").first()


def subregions_of(region: Region) -> QuerySet[Region]:
    """The regions right below ``region`` that are not streets (a city's districts): its figures' links."""
    return region.children.exclude(level=Region.Level.STREET).order_by("code")


def requests_in_region(region: Region) -> QuerySet[ServiceRequest]:
    """Every request of an enterprise whose street lies within ``region``. Only for a caller that checked the
    actor's scope first (``regions_served_by``)."""
    return ServiceRequest.objects.filter(enterprise__street__path__startswith=region.path)


def requests_of_region(actor: object, region: Region) -> QuerySet[ServiceRequest]:
    """The requests the actor sees, of enterprises within ``region``, as a plain queryset (no joins of its
    own, so that counting it counts each request once)."""
    visible = requests_visible_to(actor).filter(enterprise__street__path__startswith=region.path)
    return ServiceRequest.objects.filter(pk__in=visible.values("pk"))


# Counting -----------------------------------------------------------------------------------------------


def _local_date(name: str) -> TruncDate:
    return TruncDate(name, tzinfo=timezone.get_default_timezone())


def _month_of(name: str) -> TruncMonth:
    return TruncMonth(name, tzinfo=timezone.get_default_timezone(), output_field=DateTimeField())


@dataclass(frozen=True)
class Grouping:
    """How a breakdown groups the three reads: requests recorded, requests closed and ratings given."""

    recorded: Expression | F
    closed: Expression | F
    rated: Expression | F


NO_GROUPING = None
BY_TEAM = Grouping(F("team"), F("team"), F("request__team"))
BY_DEPARTMENT = Grouping(
    F("dispatches__department"), F("dispatches__department"), F("request__dispatches__department")
)
BY_CATEGORY = Grouping(F("category"), F("category"), F("request__category"))
BY_MONTH = Grouping(_month_of("recorded_at"), _month_of("case__closed_at"), _month_of("at"))

ON_TIME = Q(case__deadline__gte=_local_date("case__closed_at")) | Q(
    case__deadline__isnull=True,
    case__deadline_year_unknown__gt=ExtractYear("case__closed_at", tzinfo=timezone.get_default_timezone()),
)


def _grouped(
    rows: QuerySet[Any], key: Expression | F | None, **aggregates: Count
) -> dict[Any, dict[str, int]]:
    if key is None:
        return {None: rows.aggregate(**aggregates)}
    grouped = rows.annotate(group_key=key).values("group_key").annotate(**aggregates).order_by()
    return {row.pop("group_key"): row for row in grouped}


def _counts(
    requests: QuerySet[ServiceRequest], first: Month, last: Month, grouping: Grouping | None
) -> dict[Any, Counts]:
    """The counts from ``first`` to ``last`` (whole months), per group (``None`` when not grouped)."""
    start, end = first.start, last.end
    recorded = _grouped(
        requests.filter(recorded_at__gte=start, recorded_at__lt=end),
        grouping.recorded if grouping else None,
        recorded=Count("pk"),
        accepted_on_time=Count("pk", filter=Q(accepted_at__isnull=False, accepted_at__lte=F("accept_by"))),
    )
    closed = _grouped(
        requests.filter(case__status__in=CLOSED_STATES, case__closed_at__gte=start, case__closed_at__lt=end),
        grouping.closed if grouping else None,
        closed=Count("pk"),
        closed_on_time=Count("pk", filter=ON_TIME),
        resolved=Count("pk", filter=Q(resolved=True)),
    )
    rated = _grouped(
        Rating.objects.filter(request__in=requests.values("pk"), at__gte=start, at__lt=end),
        grouping.rated if grouping else None,
        ratings=Count("pk"),
        satisfied=Count("pk", filter=Q(satisfaction__in=SATISFIED)),
    )
    counts: dict[Any, Counts] = {}
    for part in (recorded, closed, rated):
        for key, values in part.items():
            counts[key] = counts.get(key, Counts()) + Counts(**{k: v or 0 for k, v in values.items()})
    return counts


def figures_of(requests: QuerySet[ServiceRequest], month: Month) -> Counts:
    """The four rates' counts of the month over ``requests``."""
    return _counts(requests, month, month, NO_GROUPING).get(None, Counts())


def _rows(
    counts: dict[Any, Counts], labels: Iterable[tuple[Any, str]], keep: Callable[[Counts], bool]
) -> list[Row]:
    return [
        Row(label, counts.get(key, Counts()), key) for key, label in labels if keep(counts.get(key, Counts()))
    ]


def _has_data(counts: Counts) -> bool:
    return not counts.is_empty


def figures_by_team(requests: QuerySet[ServiceRequest], month: Month) -> list[Row]:
    """Per team in charge of the requests, the teams with something in the month."""
    counts = _counts(requests, month, month, BY_TEAM)
    teams = ServiceTeam.objects.filter(pk__in=[key for key in counts if key is not None])
    return _rows(counts, ((team.pk, team.name) for team in teams), _has_data)


def figures_by_department(requests: QuerySet[ServiceRequest], month: Month) -> list[Row]:
    """Per department the requests were dispatched to (a request sent to two counts for both)."""
    counts = _counts(requests, month, month, BY_DEPARTMENT)
    departments = Department.objects.filter(pk__in=[key for key in counts if key is not None]).order_by(
        "name", "pk"
    )
    return _rows(counts, ((d.pk, d.name) for d in departments), _has_data)


def figures_by_category(requests: QuerySet[ServiceRequest], month: Month) -> list[Row]:
    """Per category (the kinds of 堵点), in the order of the categories."""
    counts = _counts(requests, month, month, BY_CATEGORY)
    return _rows(counts, ((value, str(label)) for value, label in Category.choices), _has_data)


def figures_by_month(requests: QuerySet[ServiceRequest], month: Month) -> list[Row]:
    """The 12 months up to ``month``, oldest first, every month even without data."""
    months = [month.shifted(offset) for offset in range(1 - TREND_MONTHS, 1)]
    counts = {
        Month.of(timezone.localtime(key)): value
        for key, value in _counts(requests, months[0], month, BY_MONTH).items()
        if key is not None
    }
    return [Row(str(each), counts.get(each, Counts()), each) for each in months]


def blockages(requests: QuerySet[ServiceRequest], first: Month, last: Month) -> list[Ranked]:
    """堵点: the categories by requests recorded from ``first`` to ``last``, most raised first."""
    rows = (
        requests.filter(recorded_at__gte=first.start, recorded_at__lt=last.end)
        .values("category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    labels = dict(Category.choices)
    order = {value: index for index, value in enumerate(labels)}
    ranked = [
        Ranked(row["category"], str(labels.get(row["category"], row["category"])), row["n"]) for row in rows
    ]
    return sorted(ranked, key=lambda r: (-r.requests, order.get(r.category, len(order))))


def overdue_in_month(
    requests: QuerySet[ServiceRequest], month: Month, today: datetime.date
) -> list[ServiceRequest]:
    """The requests that were past their deadline on a day of the month (up to ``today``) and not closed
    yet that day: closed late in the month, or still open after it."""
    until = min(month.last, today)
    if until < month.first:
        return []
    late = (
        requests.filter(recorded_at__lt=month.end, case__deadline__lt=until)
        .annotate(closed_on=_local_date("case__closed_at"))
        .filter(
            Q(case__closed_at__isnull=True)
            | (Q(closed_on__gt=F("case__deadline")) & Q(closed_on__gte=month.first))
        )
    )
    return list(
        late.select_related("case", "enterprise", "team").order_by("case__deadline", "recorded_at", "pk")
    )


def reopened_in_month(requests: QuerySet[ServiceRequest], month: Month) -> list[Rating]:
    """The ratings of 不满意 given in the month: each reopened its request."""
    return list(
        Rating.objects.filter(
            request__in=requests.values("pk"),
            satisfaction=Satisfaction.NOT_SATISFIED,
            at__gte=month.start,
            at__lt=month.end,
        )
        .select_related("request__case", "request__enterprise", "request__team")
        .order_by("at", "pk")
    )


# Everything for the page, the workbook and the report ---------------------------------------------------


@dataclass
class MonthlyFigures:
    region: Region
    month: Month
    overall: Counts
    by_team: list[Row]
    by_department: list[Row]
    by_category: list[Row]
    by_month: list[Row]
    blockages_month: list[Ranked]
    blockages_year: list[Ranked]
    trend_most: int = field(default=0)

    @property
    def first_trend_month(self) -> Month:
        return self.month.shifted(1 - TREND_MONTHS)


def monthly_figures(requests: QuerySet[ServiceRequest], region: Region, month: Month) -> MonthlyFigures:
    """Every figure of the month over ``requests`` (already scoped to ``region``)."""
    by_month = figures_by_month(requests, month)
    return MonthlyFigures(
        region=region,
        month=month,
        overall=figures_of(requests, month),
        by_team=figures_by_team(requests, month),
        by_department=figures_by_department(requests, month),
        by_category=figures_by_category(requests, month),
        by_month=by_month,
        blockages_month=blockages(requests, month, month),
        blockages_year=blockages(requests, month.shifted(1 - TREND_MONTHS), month),
        trend_most=max((row.counts.recorded for row in by_month), default=0),
    )
