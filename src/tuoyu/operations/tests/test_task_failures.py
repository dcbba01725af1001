"""A task run that raises is kept for the back office (task, arguments, error, retries left) and retried; a
task whose arguments are personal data keeps them out."""

from typing import Any

import pytest
from huey.contrib.djhuey import HUEY, task

from tests.personas import signed_in_client
from tuoyu.accounts.factories import UserFactory
from tuoyu.operations.models import TaskFailure
from tuoyu.operations.queue import ARGUMENTS_WITHHELD
from tuoyu.sms import text_send

pytestmark = pytest.mark.django_db

FAILURES = "/admin/operations/taskfailure/"


@task(retries=2, retry_delay=60)
def divide(numerator: int, denominator: int) -> float:
    return numerator / denominator


def test_a_failed_run_is_recorded_with_its_arguments_error_and_retries_left() -> None:
    divide(1, 0)

    failure = TaskFailure.objects.get()
    assert failure.task == "tuoyu.operations.tests.test_task_failures.divide"
    assert failure.arguments == "{'args': (1, 0), 'kwargs': {}}"
    assert "ZeroDivisionError" in failure.error
    assert failure.retries_left == 2
    retry = HUEY.scheduled()
    assert [(t.name, t.retries) for t in retry] == [("divide", 1)]  # retried in a minute, one fewer left


def test_a_failed_text_message_keeps_the_phone_number_and_the_text_out_of_the_record(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SMS_BACKEND = "tuoyu.operations.tests.test_task_failures.BrokenGateway"

    with django_capture_on_commit_callbacks(execute=True):
        text_send("13900000000", "【托育】您的注册验证码是 123456")

    failure = TaskFailure.objects.get()
    assert failure.task == "tuoyu.sms.text_send"
    assert failure.arguments == ARGUMENTS_WITHHELD
    assert "13900000000" not in failure.error and "123456" not in failure.error
    assert "raise ConnectionError" in failure.error  # where it failed is kept
    assert failure.retries_left == 5


class BrokenGateway:
    def send(self, phone: str, text: str) -> None:
        raise ConnectionError(f"the gateway did not answer for {phone}: {text}")


def test_the_back_office_lists_failed_tasks_to_administrators_only(client_as: Any) -> None:
    TaskFailure.objects.create(
        task="tuoyu.supervision.tasks.evaluate_rules", task_id="x", error="boom", retries_left=0
    )
    administrator = UserFactory.create(is_staff=True, is_superuser=True)

    listed = signed_in_client(administrator).get(FAILURES)
    regulator = client_as("regulator_a").get(FAILURES)

    assert listed.status_code == 200
    assert "tuoyu.supervision.tasks.evaluate_rules" in listed.content.decode()
    assert regulator.status_code == 404


def test_a_failure_that_cannot_be_recorded_is_still_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    def database_down(**fields: object) -> None:
        raise ConnectionError("the database went away")

    monkeypatch.setattr(TaskFailure.objects, "create", database_down)

    divide(1, 0)

    assert [(t.name, t.retries) for t in HUEY.scheduled()] == [("divide", 1)]
