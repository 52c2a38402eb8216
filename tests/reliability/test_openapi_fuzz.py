"""Schemathesis over the committed schema (`docs/openapi.yaml`), against the app in-process.

Every operation the committed schema documents is fuzzed through the Django WSGI application
(no server): positive cases (schema-valid requests) and negative ones (requests the schema
forbids), three times: with no credentials (or junk ones schemathesis makes up), with a real
account's expired bearer token (401 on every route, §5), and signed in with a real bearer
token. Each response must pass schemathesis' checks:

- never a 5xx (`not_a_server_error`);
- a status code the operation documents *by name*: the schema hook adds a `default`
  problem+json response to every operation, which would otherwise let any status through
  (`explicitly_documented_status`, below);
- the documented content type (errors are `application/problem+json`), body and headers;
- schema-valid input accepted, schema-invalid input rejected with a 4xx, no auth ignored, a
  405 with `Allow` for the methods a path does not have.

So the schema frontends are given is the truth about the app, for any input, at least for the
statuses and shapes; what the answers mean is for the identity API tests.
"""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken
from schemathesis import Case, CheckContext, CheckFunction, Response
from schemathesis.openapi.checks import UndefinedStatusCode

from config.wsgi import application
from contexts.identity.models import User
from shared_kernel.messaging.testing import eager_delivery

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"

# Operations whose input the schema cannot fully describe: a schema-valid request may still
# be refused with a documented 400 (Django's password validators, a wrong current password,
# an unknown or spent reset token, a refresh token that does not parse; an unknown category
# or parent, a blank name; an unknown or unpublished SKU in an order; a cursor this list did
# not hand out; a Stripe signature that does not verify). Everywhere else schema-valid input
# must pass.
SEMANTIC_400_OPERATIONS = (
    "auth_register_create",
    "auth_password_reset_confirm_create",
    "auth_logout_create",
    "me_password_create",
    "catalog_categories_create",
    "catalog_products_list",
    "catalog_products_create",
    "catalog_products_partial_update",
    "catalog_products_skus_create",
    "catalog_skus_partial_update",
    "inventory_stock_adjust_create",
    "orders_list",
    "orders_create",
    "payments_retrieve",
    "payments_webhooks_stripe_create",
)
# 422: the fuzzer sends one Idempotency-Key with several bodies (POST /orders).
POSITIVE_DATA_STATUSES = ["2xx", "400", "401", "403", "404", "409", "422", "429"]

CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "mode": "all",
            # Django refuses NUL in any text field (400), which JSON Schema cannot say.
            "allow-x00": False,
        },
        "phases": {"stateful": {"enabled": False}},
        "operations": [
            {
                "include-operation-id": list(SEMANTIC_400_OPERATIONS),
                "checks": {
                    "positive_data_acceptance": {"expected-statuses": POSITIVE_DATA_STATUSES}
                },
            }
        ],
    }
)
schema = schemathesis.openapi.from_path(SCHEMA_PATH, config=CONFIG)
schema.app = application  # every request, checks' probes included, goes in-process

FUZZ = hypothesis.settings(
    max_examples=25,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
# Throttling stays on, with limits fuzzing never reaches (THROTTLE_AUTH is 10/min).
UNREACHABLE_RATES = {"anon": "1000000/min", "user": "1000000/min", "auth": "1000000/min"}
FUZZ_USER_EMAIL = "fuzz@example.com"
FUZZ_USER_PASSWORD = "a long and unusual passphrase 42"


def explicitly_documented_status(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """The status must be one the operation names, not one only `default` covers.

    A request with a method the path does not have is no operation of the schema: it is
    left to schemathesis' `unsupported_method` check, which holds it to 405 with `Allow`.
    """
    if case.method.upper() != case.operation.method.upper():
        return None
    documented = [code for code in case.operation.responses.status_codes if code != "default"]
    if str(response.status_code) not in documented:
        raise UndefinedStatusCode(
            operation=case.operation.label,
            status_code=response.status_code,
            defined_status_codes=documented,
            allowed_status_codes=[int(code) for code in documented],
            message=f"Received: {response.status_code}\nDocumented: {', '.join(documented)}",
        )
    return None


STRICT_CHECKS: list[CheckFunction] = [explicitly_documented_status]


@pytest.fixture(autouse=True)
def _fuzzable_app(transactional_db: None, settings: Settings) -> Iterator[None]:
    """Committed transactions, as in production: the WSGI handler opens and closes its own
    connections, which would end a test-wide transaction. Throttle limits out of reach, and
    the events a request publishes delivered in-process (no broker)."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": UNREACHABLE_RATES,
    }
    with eager_delivery():
        yield


@pytest.fixture
def customer() -> User:
    """A real customer, registered through the API."""
    registered = APIClient().post(
        "/api/v1/auth/register",
        {"email": FUZZ_USER_EMAIL, "password": FUZZ_USER_PASSWORD, "full_name": "Fuzz"},
    )
    assert registered.status_code == 201, registered.content
    return User.objects.get(email=FUZZ_USER_EMAIL)


@pytest.fixture
def bearer_headers(customer: User) -> dict[str, str]:
    """The customer signed in through the API: its access token."""
    signed_in = APIClient().post(
        "/api/v1/auth/token", {"email": FUZZ_USER_EMAIL, "password": FUZZ_USER_PASSWORD}
    )
    assert signed_in.status_code == 200, signed_in.content
    return {"Authorization": f"Bearer {signed_in.json()['access']}"}


@pytest.fixture
def expired_bearer_headers(customer: User) -> dict[str, str]:
    """A well-formed access token for the customer, expired an hour ago."""
    access = AccessToken.for_user(customer)
    access.set_exp(lifetime=-timedelta(hours=1))
    return {"Authorization": f"Bearer {access}"}


@schema.parametrize()
@FUZZ
def test_anonymous_requests_conform_to_the_schema(case: Case) -> None:
    case.call_and_validate(additional_checks=STRICT_CHECKS)


@schema.parametrize()
@FUZZ
def test_requests_with_an_expired_token_conform_to_the_schema(
    case: Case, expired_bearer_headers: dict[str, str]
) -> None:
    """§5: a bad or expired bearer token is 401 on any route, public ones included."""
    response = case.call_and_validate(
        headers=expired_bearer_headers, additional_checks=STRICT_CHECKS
    )
    if case.method.upper() == case.operation.method.upper():
        assert response.status_code == 401, response.text


@schema.parametrize()
@FUZZ
def test_signed_in_requests_conform_to_the_schema(
    case: Case, bearer_headers: dict[str, str]
) -> None:
    case.call_and_validate(headers=bearer_headers, additional_checks=STRICT_CHECKS)
