"""`manage.py check --deploy` with production-like settings reports no issue; models match migrations."""

import io
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

PROJECT = Path(__file__).resolve().parent.parent
SECRET_CHARS = string.ascii_letters + string.digits + "!#%&()*+,-./:;<=>?@[]^_{|}~"


# Set by test tooling in this process (Playwright's end-to-end fixtures, pyproject's test environment),
# never in production.
TEST_ONLY_VARIABLES = ("DJANGO_ALLOW_ASYNC_UNSAFE", "HTTPS", "CACHE_URL", "SECRET_KEY", "DEBUG")


def production_env(**overrides: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in TEST_ONLY_VARIABLES}
    env.update(
        DEBUG="false",
        SECRET_KEY="".join(secrets.choice(SECRET_CHARS) for _ in range(50)),
        ALLOWED_HOSTS="tuoyu.example.gov.cn",
        SMS_BACKEND="districtsms.Gateway",  # the district's gateway class (checked by name only)
    )
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_with_production_settings_reports_no_issues() -> None:
    result = manage("check", "--deploy", env=production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_check_deploy_fails_loudly_with_a_weak_secret_key() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(SECRET_KEY="short"))

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = production_env(TUOYU_VAR_DIR=str(tmp_path))  # no var/secret-key there either
    del env["SECRET_KEY"]

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY is not set." in result.stderr


def test_debug_is_off_when_the_variable_is_unset() -> None:
    env = production_env()
    del env["DEBUG"]

    result = manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)", env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_check_deploy_warns_when_text_messages_only_go_to_the_log() -> None:
    result = manage("check", "--deploy", env=production_env(SMS_BACKEND="tuoyu.sms.LogBackend"))

    assert "tuoyu.W001" in result.stdout + result.stderr
    assert "no text message reaches anyone" in result.stdout + result.stderr


def test_the_shared_cache_is_the_database_by_default() -> None:
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
        env=production_env(),
    )

    assert result.stdout.strip().splitlines()[-1] == "django.core.cache.backends.db.DatabaseCache"


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("DEBUG", "False"),
        ("SECURE_SSL_REDIRECT", "True"),
        ("SESSION_COOKIE_SECURE", "True"),
        ("CSRF_COOKIE_SECURE", "True"),
        ("SECURE_HSTS_SECONDS", "31536000"),
        ("ALLOWED_HOSTS", "['tuoyu.example.gov.cn']"),
    ],
)
def test_production_settings_are_strict(setting: str, value: str) -> None:
    result = manage(
        "shell", "-c", f"from django.conf import settings; print(settings.{setting})", env=production_env()
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == value


@pytest.mark.django_db
def test_models_and_migrations_agree() -> None:
    out = io.StringIO()

    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit as error:  # makemigrations --check exits 1 when a migration is missing
        pytest.fail(f"a migration is missing (exit {error.code}):\n{out.getvalue()}")
