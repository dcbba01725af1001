"""``policy(key, on=day)``: the one way to read a rule value that has a legal source.

Every value is a dated row of :class:`PolicyValue` (loaded by the migrations of this app, with its source).
The rows are read once per process and kept; saving or deleting one forgets them.
"""

import bisect
import datetime
from typing import Any

from tuoyu.policies.models import PolicyValue

_values: dict[str, tuple[list[datetime.date], list[int]]] | None = None
_forgotten = 0  # how many times the values were forgotten (tests read them again after changing one)


class PolicyUnknown(LookupError):
    """No value of ``key`` was in force on the day asked: a missing migration, never a user's error."""


def _load() -> dict[str, tuple[list[datetime.date], list[int]]]:
    loaded: dict[str, tuple[list[datetime.date], list[int]]] = {}
    for key, effective_from, value in PolicyValue.objects.order_by("key", "effective_from").values_list(
        "key", "effective_from", "value"
    ):
        days, values = loaded.setdefault(key, ([], []))
        days.append(effective_from)
        values.append(value)
    return loaded


def policy_values_read() -> dict[str, tuple[list[datetime.date], list[int]]]:
    """Every value of every key, read once per process."""
    global _values
    if _values is None:
        _values = _load()
    return _values


def policy(key: str, *, on: datetime.date) -> int:
    """The value of ``key`` in force on ``on``."""
    days, values = policy_values_read().get(key, ([], []))
    index = bisect.bisect_right(days, on) - 1
    if index < 0:
        raise PolicyUnknown(f"No value of policy {key!r} is in force on {on.isoformat()}.")
    return values[index]


def forget_policy_values(**_kwargs: Any) -> None:
    global _values, _forgotten
    _values = None
    _forgotten += 1


def times_forgotten() -> int:
    return _forgotten
