"""Every notification links to what it is about: each call of ``notify_all`` in the code passes a ``link``
(the demo's test checks that none of the notifications it writes has an empty one)."""

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2]


def notify_calls() -> list[tuple[str, int, set[str]]]:
    calls = []
    for module in sorted(SOURCE.rglob("*.py")):
        if "tests" in module.parts or "migrations" in module.parts:
            continue
        for node in ast.walk(ast.parse(module.read_text(), str(module))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) == "notify_all"
            ):
                keywords = {keyword.arg for keyword in node.keywords if keyword.arg}
                calls.append((str(module.relative_to(SOURCE)), node.lineno, keywords))
    return calls


def test_every_call_of_notify_all_passes_a_link() -> None:
    calls = notify_calls()
    assert len(calls) > 30
    assert [(module, line) for module, line, keywords in calls if "link" not in keywords] == []
