"""The national childcare allowance (育儿补贴), computed for a family's information: Tuoyu neither pays it nor
takes an application for it.

The rule (《育儿补贴制度实施方案》, 中共中央办公厅、国务院办公厅, 2025-07-28): from 1 January 2025, every
child under 3 gets 3,600 yuan a year (policy value ``allowance.yuan_per_year``), a twelfth of it — 300 yuan —
for each month of eligibility. A child born in 2025 or later is eligible for 36 months from the month of
birth. A child born before is eligible, from January 2025, for the months of age it had still to live before
turning 3 on 1 January 2025: 36 minus its completed months of age that day (按应补贴月数折算). The national
example (China Daily, 2025-07-28, on the plan's publication): born in December 2023, 24 months, 7,200 yuan;
and any child born after 1 January 2022 gets something.

Examples:

- born 2023-12-10: 12 completed months on 2025-01-01, so 24 months, January 2025 to December 2026
  (12 in 2025, 12 in 2026), 7,200 yuan;
- born 2023-12-01: 13 completed months that day, so 23 months, January 2025 to November 2026;
- born 2025-03-05: March 2025 to February 2028, 36 months, 10,800 yuan;
- born 2022-01-01: 3 years old on 2025-01-01: no month, nothing.

It is applied for by a parent or guardian through the national system (国家育儿补贴信息管理系统, or at the
place of household registration), with the child's 出生医学证明 and the 户口簿 (and proof of guardianship
when the applicant is not a parent); reviewed within 30 working days; paid at least quarterly.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from tuoyu.policies.values import policy

START = datetime.date(2025, 1, 1)
"""The first month of the allowance: 《育儿补贴制度实施方案》 (2025-07-28), 自2025年1月1日起实施."""
SOURCE = "《育儿补贴制度实施方案》（中共中央办公厅、国务院办公厅，2025年7月28日）"
YUAN_PER_YEAR_KEY = "allowance.yuan_per_year"
AGE_LIMIT_MONTHS = 36
REVIEW_WORKING_DAYS = 30
PLATFORM = "国家育儿补贴信息管理系统"


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` after ``month``'s."""
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(first: datetime.date, after_last: datetime.date) -> int:
    """How many months from ``first``'s month up to, not including, ``after_last``'s month."""
    return max(0, (after_last.year - first.year) * 12 + after_last.month - first.month)


@dataclass(frozen=True)
class AllowanceYear:
    """A calendar year's share: the months ``first``..``last`` (first days of the months)."""

    year: int
    first: datetime.date
    last: datetime.date
    months: int
    yuan: Decimal


@dataclass(frozen=True)
class Allowance:
    """What a child is eligible for, by year, in total and from a given month on."""

    birth_date: datetime.date
    first_month: datetime.date | None  # None: no eligible month at all
    last_month: datetime.date | None
    years: tuple[AllowanceYear, ...]
    months: int
    yuan: Decimal
    months_left: int  # eligible months from the month of ``on`` (included)
    yuan_left: Decimal
    on: datetime.date

    @property
    def eligible_now(self) -> bool:
        """Under 3 today and within the eligible months."""
        return (
            self.first_month is not None
            and self.last_month is not None
            and self.first_month <= month_start(self.on) <= self.last_month
        )

    @property
    def third_birthday(self) -> datetime.date:
        return third_birthday(self.birth_date)


def third_birthday(birth_date: datetime.date) -> datetime.date:
    """The third birthday (29 February: 1 March of a year without it)."""
    try:
        return birth_date.replace(year=birth_date.year + 3)
    except ValueError:
        return datetime.date(birth_date.year + 3, 3, 1)


def completed_months(birth_date: datetime.date, day: datetime.date) -> int:
    """Whole months of age on ``day``."""
    months = (day.year - birth_date.year) * 12 + day.month - birth_date.month
    return months - 1 if day.day < birth_date.day else months


def eligible_months(birth_date: datetime.date) -> int:
    """36 for a child born from 2025 on; before, the months of age still ahead of it on 1 January 2025."""
    if birth_date >= START:
        return AGE_LIMIT_MONTHS
    return max(0, AGE_LIMIT_MONTHS - completed_months(birth_date, START))


def end_month(birth_date: datetime.date) -> datetime.date:
    """The first month not counted: ``eligible_months`` after the first eligible one."""
    return add_months(max(month_start(birth_date), START), eligible_months(birth_date))


def yuan_per_month(on: datetime.date) -> Decimal:
    """A twelfth of the yearly amount in force on ``on`` (300 yuan for 3,600)."""
    return (Decimal(policy(YUAN_PER_YEAR_KEY, on=on)) / 12).quantize(Decimal("0.01"))


def allowance_of(birth_date: datetime.date, *, on: datetime.date) -> Allowance:
    """The child's eligible months by calendar year, the total, and what is left from ``on``'s month.

    Each month is paid at the rate in force on its first day (a later change of the yearly amount applies
    from its own date on)."""
    first = max(month_start(birth_date), START)
    end = end_month(birth_date)
    total_months = months_between(first, end)
    if total_months == 0:
        return Allowance(birth_date, None, None, (), 0, Decimal("0.00"), 0, Decimal("0.00"), on)
    years: list[AllowanceYear] = []
    month = first
    while month < end:
        year_end = min(end, datetime.date(month.year + 1, 1, 1))
        count = months_between(month, year_end)
        yuan = sum((yuan_per_month(add_months(month, i)) for i in range(count)), Decimal("0.00"))
        years.append(AllowanceYear(month.year, month, add_months(year_end, -1), count, yuan))
        month = year_end
    current = max(month_start(on), first)
    left = months_between(current, end)
    yuan_left = sum((yuan_per_month(add_months(current, i)) for i in range(left)), Decimal("0.00"))
    return Allowance(
        birth_date=birth_date,
        first_month=first,
        last_month=add_months(end, -1),
        years=tuple(years),
        months=total_months,
        yuan=sum((row.yuan for row in years), Decimal("0.00")),
        months_left=left,
        yuan_left=yuan_left,
        on=on,
    )


def eligible_on(birth_date: datetime.date, day: datetime.date) -> bool:
    """Whether ``day``'s month is one of the child's eligible months (born, under 3, from 2025)."""
    month = month_start(day)
    return max(month_start(birth_date), START) <= month < end_month(birth_date)


def birth_dates_eligible_on(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The range of birth dates ``(earliest, latest)`` inclusive of the children eligible in ``day``'s month:
    born by the month's end, and in a month after the one 36 months before it — or, for a child born before
    2025 (whose months are counted by age on 1 January 2025), from the 2nd of that month."""
    month = month_start(day)
    next_month = add_months(month, 1)
    latest = next_month - datetime.timedelta(days=1)
    three_years_before = add_months(month, -AGE_LIMIT_MONTHS)
    if three_years_before < START:
        return three_years_before + datetime.timedelta(days=1), latest
    return add_months(three_years_before, 1), latest
