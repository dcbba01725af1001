"""The navigation of every app: one declaration per entry (``ENTRIES``), in the order it is shown.

Each entry says who sees it and for which roles it is a main item; everything else a user may open goes
under 更多 ("More"). At most ``MAIN_ITEMS`` main items are shown (on a phone they are the bottom tab bar):
a main item beyond them moves to 更多, in the order of ``ENTRIES``. Adding an entry is one line here.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.access import Perm, has_perm, may_use_back_office, roles_of
from tuoyu.accounts.models import Role
from tuoyu.enterprises.selectors.desk import is_enterprise_contact
from tuoyu.notifications.selectors import unread_count

MAIN_ITEMS = 6

Label = str | Promise
Shown = Callable[[object], bool]


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    key: str


@dataclass(frozen=True)
class Navigation:
    """What the header shows: the main items, the rest under 更多, and the key of the current section."""

    main: list[NavItem]
    more: list[NavItem]
    current: str = ""

    @property
    def items(self) -> list[NavItem]:
        return self.main + self.more

    @property
    def current_in_more(self) -> bool:
        """The current section is one of 更多's: the disclosure shows it is there."""
        return any(item.key == self.current for item in self.more)


@dataclass(frozen=True)
class Entry:
    """One entry: its key (``data-nav``), its label (or a function of the user choosing one), the route, who
    sees it, and the roles for whom it is a main item (``ANYONE``: everyone who sees it, signed in or not)."""

    key: str
    label: Label | Callable[[object], Label]
    route: str
    shown: Shown
    main_for: frozenset[str] = frozenset()


ANYONE = frozenset({"*"})
ANONYMOUS = frozenset({"anonymous"})


def _perm(*perms: Perm) -> Shown:
    return lambda user: all(has_perm(user, perm) for perm in perms)


def _role(role: Role) -> Shown:
    return lambda user: role in roles_of(user)


def _any_perm(*perms: Perm) -> Shown:
    return lambda user: any(has_perm(user, perm) for perm in perms)


def _everyone(user: object) -> bool:
    return True


def _signed_in(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False))


# A user holding only these roles lands on the enterprise service desk or their dispatches (``homes``).
ENTERPRISE_DESK_ROLES = frozenset({Role.ENTERPRISE_SERVICE, Role.DEPARTMENT_CONTACT})


def _has_home(user: object) -> bool:
    """Everyone signed in has a home, but a regulator's is the supervision desk, an enterprise service
    officer's the enterprise service desk and a department contact's their dispatches (``homes``)."""
    if not _signed_in(user):
        return False
    roles = roles_of(user)
    return roles != {Role.REGULATOR} and not (roles and roles <= ENTERPRISE_DESK_ROLES)


def _enterprise_contact(user: object) -> bool:
    """A signed-in user whose mobile number is an enterprise's contact phone, among those who hold no role at
    work (families and people without a role: asked once per request); someone on duty who is also an
    enterprise's contact (a director whose institution is the employer) finds the requests on their home."""
    if not _signed_in(user) or roles_of(user) - {Role.GUARDIAN}:
        return False
    if not hasattr(user, "_is_enterprise_contact"):
        user._is_enterprise_contact = is_enterprise_contact(user)  # type: ignore[attr-defined]
    return bool(user._is_enterprise_contact)  # type: ignore[attr-defined]


def _regulator(user: object) -> bool:
    return has_perm(user, Perm.SUPERVISE_REGION)


def _not_regulator(*perms: Perm) -> Shown:
    return lambda user: not _regulator(user) and all(has_perm(user, perm) for perm in perms)


def _guardian_without_health(user: object) -> bool:
    """Staff who are parents too find their children in 儿童健康."""
    return Role.GUARDIAN in roles_of(user) and not has_perm(user, Perm.VIEW_HEALTH)


def _manage_label(user: object) -> Label:
    if _regulator(user):
        return _("Institutions under supervision")
    return _("Partner institutions") if Role.DOCTOR in roles_of(user) else _("My institution")


def _filings_label(user: object) -> Label:
    return _("Filing review") if has_perm(user, Perm.REVIEW_FILING) else _("Filings")


def _roles(*roles: Role) -> frozenset[str]:
    return frozenset(str(role) for role in roles)


_daily_supervision = _perm(Perm.VIEW_DAILY_SUPERVISION, Perm.SUPERVISE_REGION)
_notices = _not_regulator(Perm.CHANGE_INSTITUTION, Perm.VIEW_FINDINGS)
_subsidies = _any_perm(Perm.DECIDE_SUBSIDIES, Perm.CLAIM_SUBSIDIES)
_filings = _any_perm(Perm.REVIEW_FILING, Perm.PREPARE_FILING)


def _messages(user: object) -> bool:
    """Families, the caregivers of their classes and the directors write to each other."""
    roles = roles_of(user)
    return Role.GUARDIAN in roles or Role.CAREGIVER in roles or has_perm(user, Perm.MESSAGE_FAMILIES)


R, D, C, H, M, G = (
    Role.REGULATOR,
    Role.DIRECTOR,
    Role.CAREGIVER,
    Role.HEALTH_WORKER,
    Role.DOCTOR,
    Role.GUARDIAN,
)
ES, DC = Role.ENTERPRISE_SERVICE, Role.DEPARTMENT_CONTACT

# In the order shown (main items first, for the roles named last). A new entry is one line, where it belongs.
ENTRIES: list[Entry] = [
    Entry("home", _("Home"), "home", _has_home, _roles(D, C, H, M, G)),
    Entry("desk", _("Supervision desk"), "supervision:desk", _regulator, _roles(R)),
    Entry("district", _("Daily supervision"), "daycare:district", _daily_supervision, _roles(R)),
    Entry(
        "service-desk", _("Enterprise service"), "enterprises:desk", _perm(Perm.SERVE_ENTERPRISES), _roles(ES)
    ),
    Entry(
        "service-requests", _("Requests"), "enterprises:requests", _perm(Perm.SERVE_ENTERPRISES), _roles(ES)
    ),
    Entry(
        "dispatches",
        _("Dispatches to answer"),
        "enterprises:dispatches",
        _perm(Perm.ANSWER_DISPATCHES),
        _roles(DC),
    ),
    Entry("my-requests", _("My requests"), "enterprises:mine", _enterprise_contact, ANYONE),
    Entry("care", _("Today in care"), "daycare:home", _perm(Perm.RECORD_CARE), _roles(D, C)),
    Entry("enrolment", _("Enrolment"), "enrolment:queue", _perm(Perm.MANAGE_ENROLMENT), _roles(D)),
    Entry("family", _("My family"), "enrolment:family", _role(G), _roles(G)),
    Entry("reports", _("Daily reports"), "daycare:family_reports", _role(G), _roles(G)),
    Entry("family-messages", _("Family messages"), "messaging:index", _messages, _roles(D, C, G)),
    Entry("health", _("Growth and health"), "health:children", _guardian_without_health, _roles(G)),
    Entry("health", _("Children's health"), "health:children", _perm(Perm.VIEW_HEALTH), _roles(H, M)),
    Entry("overdue", _("Overdue exams"), "health:overdue", _perm(Perm.VIEW_HEALTH), _roles(H, M)),
    Entry("referrals", _("Referrals"), "health:referrals", _perm(Perm.VIEW_HEALTH), _roles(H)),
    Entry("bookings", _("Temporary care"), "bookings:index", _role(G), _roles(G)),
    Entry(
        "manage", _manage_label, "registry:manage_list", _perm(Perm.VIEW_INSTITUTION_FILE), _roles(R, D, C, M)
    ),
    Entry("rectifications", _("Rectifications"), "supervision:rectifications", _regulator, _roles(R)),
    Entry("rectifications", _("Rectification notices"), "supervision:rectifications", _notices, _roles(D)),
    Entry("inspections", _("Inspections"), "supervision:inspections", _regulator, _roles(R)),
    Entry("complaints", _("Complaints"), "supervision:complaints", _regulator, _roles(R)),
    Entry("tasks", _("Health tasks"), "enrolment:tasks", _perm(Perm.RECORD_HEALTH), _roles(H)),
    Entry("visits", _("Doctor's visits"), "health:visits", _role(M), _roles(M)),
    Entry("outbreaks", _("Outbreak watch"), "health:outbreaks", _perm(Perm.WATCH_OUTBREAKS), _roles(H)),
    Entry("family-absences", _("Report an absence"), "daycare:family_absences", _role(G)),
    Entry("family-fees", _("Fee statements"), "fees:family", _role(G), _roles(G)),
    Entry("allowance", _("Childcare allowance"), "fees:allowance", _role(G)),
    Entry("risk", _("Risk ranking"), "supervision:risk", _regulator),
    Entry("plans", _("Inspection plans"), "supervision:plans", _regulator),
    Entry("bookings-manage", _("Bookable care"), "bookings:manage", _perm(Perm.MANAGE_ENROLMENT)),
    Entry("fees", _("Fees"), "fees:index", _perm(Perm.MANAGE_FEES)),
    Entry("notices", _("Notices"), "messaging:notices", _perm(Perm.MESSAGE_FAMILIES)),
    Entry("subsidy-funds", _("Subsidy funds"), "subsidies:dashboard", _perm(Perm.DECIDE_SUBSIDIES)),
    Entry("subsidies", _("Subsidy claims"), "subsidies:claims", _subsidies),
    Entry("filings", _filings_label, "filings:list", _filings),
    Entry("expiring", _("Expiring certificates"), "workforce:expiring", _perm(Perm.VIEW_STAFF)),
    Entry("training", _("Training"), "workforce:training", _perm(Perm.VIEW_STAFF)),
    Entry("access-log", _("Health record access log"), "health:access_log", _regulator),
    Entry("lockouts", _("Sign-in lockouts"), "accounts:lockouts", _perm(Perm.LIFT_LOCKOUTS)),
    Entry("rules", _("Rules catalogue"), "supervision:rules", _perm(Perm.VIEW_FINDINGS)),
    Entry("overview", _("District overview"), "insights:home", _everyone, ANONYMOUS),
    Entry("directory", _("Find childcare"), "enrolment:finder", _everyone, ANONYMOUS | _roles(G)),
    Entry("admin", _("Back office"), "admin:index", may_use_back_office),
]


def _is_main(entry: Entry, roles: frozenset[str]) -> bool:
    return "*" in entry.main_for or bool(entry.main_for & roles)


def _current(items: list[NavItem], path: str) -> str:
    """The entry whose section holds ``path``: the longest entry address that starts it (home only itself)."""
    best = ""
    length = 0
    for item in items:
        matches = path == item.url if item.url == "/" else path.startswith(item.url)
        if matches and len(item.url) > length:
            best, length = item.key, len(item.url)
    return best


def navigation_of(user: object, path: str = "") -> Navigation:
    """The navigation a user sees: only what their roles allow, at most ``MAIN_ITEMS`` of it as main items."""
    roles = frozenset(str(role) for role in roles_of(user)) if _signed_in(user) else ANONYMOUS
    main: list[NavItem] = []
    more: list[NavItem] = []
    for entry in ENTRIES:
        if not entry.shown(user):
            continue
        label = entry.label(user) if callable(entry.label) else entry.label
        item = NavItem(label, reverse(entry.route), entry.key)
        (main if _is_main(entry, roles) and len(main) < MAIN_ITEMS else more).append(item)
    return Navigation(main, more, _current(main + more, path) if path else "")


def navigation_for(user: object) -> list[NavItem]:
    """Every entry a user sees, main items first."""
    return navigation_of(user).items


def _unread_messages(request: HttpRequest) -> int:
    """Counted once per request, and only by a template that shows it (the admin renders many contexts)."""
    if not hasattr(request, "_unread_messages"):
        request._unread_messages = unread_count(request.user)  # type: ignore[attr-defined]
    return request._unread_messages  # type: ignore[attr-defined]


def navigation(request: HttpRequest) -> dict[str, object]:
    return {
        "nav": SimpleLazyObject(lambda: navigation_of(request.user, request.path)),
        "unread_messages": SimpleLazyObject(lambda: _unread_messages(request)),
    }
