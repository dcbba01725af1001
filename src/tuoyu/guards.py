"""Guards: checks that another app adds to an action without the action's app depending on it.

The app that owns an action (checking a child in, admitting a child to a class) declares a ``Guards`` and
calls ``check`` before it writes; an app that depends on it (health: exclusions, quarantines) registers a
check in its ``AppConfig.ready()``. A check refuses by raising :class:`tuoyu.refusals.Refusal`.
"""

from collections.abc import Callable
from typing import Generic, ParamSpec

P = ParamSpec("P")


class Guards(Generic[P]):
    def __init__(self, action: str) -> None:
        self.action = action
        self._checks: list[Callable[P, None]] = []

    def register(self, check: Callable[P, None]) -> Callable[P, None]:
        if check not in self._checks:
            self._checks.append(check)
        return check

    def check(self, *args: P.args, **kwargs: P.kwargs) -> None:
        for guard in self._checks:
            guard(*args, **kwargs)
