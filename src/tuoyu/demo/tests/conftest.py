import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings


@pytest.fixture(scope="module")
def seeded_demo(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The demo district loaded once for a test module, inside a transaction rolled back after its last test.

    Each test still runs in its own savepoint (``pytest.mark.django_db``), so tests may write freely. Gives
    the command's output.
    """
    out = io.StringIO()
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=tmp_path_factory.mktemp("media"),  # the demo's placeholder scans
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        transaction.atomic(),
    ):
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
