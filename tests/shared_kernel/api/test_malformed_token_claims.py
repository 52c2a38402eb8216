"""A token signed with the real key but with malformed claims is a 401 problem with
`WWW-Authenticate`, like any other bad token, never a 500 with a traceback (issue #14,
finding 4): a `user_id` that is no UUID, an `exp` given as a string or past year 9999.
"""

import time
import uuid
from typing import Any

import jwt
import pytest
from django.conf import settings
from django.test import Client

from shared_kernel.api.problems import PROBLEM_TYPE_BASE
from tests.shared_kernel.api.test_bad_requests import ME, errors_or_tracebacks, problem_of
from tests.support.factories import UserFactory


def signed_token(**claims: Any) -> str:
    """A token signed with the real key, as only someone holding it (or a bug) could make."""
    payload = {
        "token_type": "access",
        "exp": int(time.time()) + 600,
        "iat": int(time.time()),
        "jti": uuid.uuid4().hex,
        **claims,
    }
    key = str(settings.SIMPLE_JWT.get("SIGNING_KEY", settings.SECRET_KEY))
    return jwt.encode(payload, key)


MALFORMED_CLAIMS = {
    "user_id not a UUID": {"user_id": "not-a-uuid"},
    "user_id an object": {"user_id": {"id": 1}},
    "user_id a huge number": {"user_id": 2**200},
    "exp a string": {"exp": str(int(time.time()) + 600)},
    "exp past year 9999": {"exp": 10**20},
}


@pytest.mark.django_db
@pytest.mark.parametrize("claims", MALFORMED_CLAIMS.values(), ids=MALFORMED_CLAIMS.keys())
def test_a_token_with_malformed_claims_is_401(
    caplog: pytest.LogCaptureFixture, claims: dict[str, Any]
) -> None:
    user = UserFactory.create()
    token = signed_token(**{"user_id": str(user.pk), **claims})

    response = Client().get(ME, headers={"Authorization": f"Bearer {token}"})

    problem = problem_of(response, 401)
    assert problem["type"] == PROBLEM_TYPE_BASE + "token-not-valid"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not errors_or_tracebacks(caplog)
