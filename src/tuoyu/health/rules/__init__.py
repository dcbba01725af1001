"""The health compliance rules, registered in the rules registry (tuoyu.rules) on import:
HLT- (exams, growth follow-up, development referrals, immunisation checks) and OUT- (outbreak reports)."""

from tuoyu.health.rules import care, growth, outbreaks  # noqa: F401
