"""The certificates each staff role needs to work (持证上岗), with their sources: the national rule as data.

Loaded into CertificateRequirement by migration 0002; change it with a new migration that reloads it.
"""

ALL_STAFF = "《托儿所幼儿园卫生保健管理办法》第十四条；WS/T 821—2023"
SETTING = "《托育机构设置标准（试行）》第十八条"
ROLES = ("director", "caregiver", "health_worker", "security", "cook", "teacher", "other")

REQUIREMENTS: list[tuple[str, str, str]] = [
    *[(role, "health", ALL_STAFF) for role in ROLES],
    *[(role, "no_criminal_record", ALL_STAFF) for role in ROLES],
    ("director", "director_training", SETTING),
    ("caregiver", "caregiver", SETTING),
    ("health_worker", "health_care_training", SETTING + "；《托儿所幼儿园卫生保健管理办法》第十二条"),
    ("security", "security_guard", SETTING),
    ("teacher", "teacher", "《中华人民共和国教师法》第十条"),
]
