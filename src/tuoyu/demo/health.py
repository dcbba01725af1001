"""The demo district's health data: growth, exams and screenings, and a past outbreak."""

from typing import Any

from tuoyu.demo import health_care, health_growth, health_outbreaks


def seed_health(*, users: dict[str, Any]) -> None:
    health_growth.seed_growth(users=users)
    health_care.seed_care(users=users)
    health_outbreaks.seed_outbreaks(users=users)
