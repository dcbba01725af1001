"""A JSON body nested too deeply for the decoder is bad input on every endpoint: 400, never a 500."""

from typing import Any

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

TOO_DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("path", ["/api/v1/auth/token/", "/api/v1/growth/zscores/"])
def test_a_body_nested_too_deeply_is_refused_as_bad_json(
    path: str, api_as: Any, anonymous_api: APIClient
) -> None:
    client = anonymous_api if path.startswith("/api/v1/auth/") else api_as("health_worker_x")

    response = client.post(path, data=TOO_DEEP, content_type="application/json")

    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]
