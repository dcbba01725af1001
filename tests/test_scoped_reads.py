"""Views and API modules read scoped data only through the access layer.

A view that writes ``Child.objects.filter(...)`` decides on its own who sees what; this test fails on it.
Views and API modules call selectors, or the scoped queryset API itself: ``visible_to(actor, perm)``,
``of_guardian(actor)``, ``in_class(care_class, day)``; ``none()`` is the schema's placeholder queryset.
"""

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "src" / "tuoyu"
SCOPED_API = {"visible_to", "of_guardian", "in_class", "none"}

# Reads that are not of scoped data, each with why.
ALLOWED = {
    # The sign-in's second step reads the user the first step named: nobody is signed in yet to scope by.
    ("accounts/views.py", "User", "filter"),
    # The diseases table is national reference data (the cluster rules), the same for everyone.
    ("health/views/outbreaks.py", "Disease", "order_by"),
    ("health/api/outbreaks.py", "Disease", "all"),
    # Input fields that turn a code into an object; the view then takes it through the access layer
    # (another family's child is a 404, as the scoping tests show). To be scoped in the field itself.
    ("enrolment/api.py", "Child", "all"),
    ("enrolment/api.py", "Institution", "all"),
    ("enrolment/api.py", "QueuePriority", "all"),
    ("enrolment/api.py", "CareClass", "all"),
}


def view_and_api_modules() -> list[Path]:
    modules = [*SOURCE.glob("*/views.py"), *SOURCE.glob("*/api.py")]
    modules += [*SOURCE.glob("*/views/*.py"), *SOURCE.glob("*/api/*.py")]
    return sorted(modules)


def direct_manager_reads(module: Path) -> list[tuple[str, str, int]]:
    """(model, method, line) of every ``Model.objects.method`` outside the scoped queryset API."""
    found = []
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Attribute) or node.attr in SCOPED_API:
            continue
        manager = node.value
        if (
            isinstance(manager, ast.Attribute)
            and manager.attr in {"objects", "_default_manager"}
            and isinstance(manager.value, ast.Name)
        ):
            found.append((manager.value.id, node.attr, node.lineno))
    return found


def test_the_modules_are_found() -> None:
    names = {str(module.relative_to(SOURCE)) for module in view_and_api_modules()}
    assert {"enrolment/api.py", "daycare/views/attendance.py", "health/api/records.py"} <= names


@pytest.mark.parametrize("module", view_and_api_modules(), ids=lambda module: str(module.relative_to(SOURCE)))
def test_views_and_api_read_scoped_models_through_the_access_layer(module: Path) -> None:
    relative = str(module.relative_to(SOURCE))
    unscoped = [
        f"{relative}:{line} {model}.objects.{method}(...)"
        for model, method, line in direct_manager_reads(module)
        if (relative, model, method) not in ALLOWED
    ]
    assert not unscoped, "read through a selector or Model.objects.visible_to(actor, perm):\n" + "\n".join(
        unscoped
    )


def test_the_check_finds_a_direct_read(tmp_path: Path) -> None:
    module = tmp_path / "views.py"
    module.write_text("def page(request):\n    return Child.objects.filter(code=1)\n", encoding="utf-8")
    assert direct_manager_reads(module) == [("Child", "filter", 2)]
