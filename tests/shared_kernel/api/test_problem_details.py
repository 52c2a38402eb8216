"""Every error under /api/ is problem+json (ARCHITECTURE.md §5), from DRF or from Django."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from shared_kernel.api.exceptions import flatten_errors
from shared_kernel.api.problems import PROBLEM_TYPE_BASE
from tests.shared_kernel.api.users import signed_in

pytestmark = pytest.mark.urls("tests.shared_kernel.api.urls")


def problem_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith(PROBLEM_TYPE_BASE)
    assert body["title"]
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


def test_validation_errors_are_a_flat_map_of_dotted_paths() -> None:
    payload = {
        "lines": [{"sku": "A", "quantity": 1}, {"sku": "B", "quantity": 0}, {"quantity": 2}],
        "shipping_address": {},
    }

    body = problem_of(APIClient().post("/api/test/validate", payload, format="json"), 400)

    assert body["type"] == PROBLEM_TYPE_BASE + "validation-error"
    assert body["errors"] == {
        "lines.1.quantity": ["Ensure this value is greater than or equal to 1."],
        "lines.2.sku": ["This field is required."],
        "shipping_address.city": ["This field is required."],
    }


def test_object_level_validation_errors_go_under_non_field_errors() -> None:
    lines = [{"sku": "A", "quantity": 1}] * 3
    payload = {"lines": lines, "shipping_address": {"city": "Lyon"}}

    body = problem_of(APIClient().post("/api/test/validate", payload, format="json"), 400)

    assert body["errors"] == {"non_field_errors": ["Too many lines."]}


def test_flatten_errors_keeps_messages_beside_nested_items() -> None:
    detail = {"lines": ["At most 50 lines.", {}, {"quantity": ["Too many."]}], "x": "plain"}

    assert flatten_errors(detail) == {
        "lines": ["At most 50 lines."],
        "lines.2.quantity": ["Too many."],
        "x": ["plain"],
    }


@pytest.mark.parametrize(
    ("kind", "status", "problem_type", "detail"),
    [
        ("not-found", 404, "not-found", "Order 42 does not exist."),
        ("rule", 400, "rule-violated", "Quantity must be positive."),
        ("conflict", 409, "conflict", "Slug taken."),
        ("transition", 409, "illegal-transition", "A pending order cannot be shipped."),
        ("denied", 403, "permission-denied", "Staff only."),
        ("django-404", 404, "not-found", "No Order matches the given query."),
        ("django-403", 403, "permission-denied", "Nope."),
    ],
)
def test_domain_and_django_errors_map_to_one_status_each(
    kind: str, status: int, problem_type: str, detail: str
) -> None:
    body = problem_of(APIClient().get(f"/api/test/raise/{kind}"), status)

    assert body["type"] == PROBLEM_TYPE_BASE + problem_type
    assert body["detail"] == detail
    assert "errors" not in body


def test_a_rule_pinned_on_a_field_reads_as_a_validation_error_on_it() -> None:
    body = problem_of(APIClient().get("/api/test/raise/rule-on-field"), 400)

    assert body["errors"] == {"lines": ["SKU X-1 is not for sale."]}


def test_several_broken_rules_on_a_field_are_listed_one_by_one() -> None:
    body = problem_of(APIClient().get("/api/test/raise/rules-on-field"), 400)

    assert body["errors"] == {"password": ["Too short.", "Too common."]}
    assert body["type"] == PROBLEM_TYPE_BASE + "rule-violated"


@pytest.mark.parametrize("kind", ["infrastructure", "unavailable"])
def test_infrastructure_errors_are_503_without_their_internal_message(kind: str) -> None:
    response = APIClient().get(f"/api/test/raise/{kind}")

    body = problem_of(response, 503)
    assert "db-7.internal" not in response.content.decode()
    assert "stripe.com" not in response.content.decode()
    assert body["detail"].endswith("unavailable.")


@pytest.mark.parametrize("debug", [False, True])
def test_an_unexpected_exception_is_500_without_a_trace(settings, debug: bool, caplog) -> None:
    settings.DEBUG = debug

    response = APIClient().get("/api/test/raise/unexpected")

    body = problem_of(response, 500)
    text = response.content.decode()
    assert "SECRET-INTERNALS" not in text
    assert "Traceback" not in text
    assert body["type"] == PROBLEM_TYPE_BASE + "server-error"
    logged = [r.msg for r in caplog.records if isinstance(r.msg, dict)]
    failure = next(e for e in logged if e["event"] == "unhandled_api_exception")
    assert "SECRET-INTERNALS" in str(failure["exc_info"])  # rendered with its traceback
    assert failure["request_id"]


def test_anonymous_on_a_protected_route_is_401_with_www_authenticate() -> None:
    response = APIClient().get("/api/test/protected")

    body = problem_of(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert body["type"] == PROBLEM_TYPE_BASE + "not-authenticated"


def test_a_bad_bearer_token_is_401_with_simplejwts_message_flattened() -> None:
    response = APIClient(HTTP_AUTHORIZATION="Bearer not-a-jwt").get("/api/test/protected")

    body = problem_of(response, 401)
    assert body["type"] == PROBLEM_TYPE_BASE + "token-not-valid"  # simplejwt's InvalidToken
    assert "token" in body["detail"].lower()


def test_signed_in_but_not_allowed_is_403() -> None:
    client = APIClient()
    client.force_authenticate(user=signed_in(pk=1))

    body = problem_of(client.get("/api/test/staff"), 403)

    assert body["type"] == PROBLEM_TYPE_BASE + "permission-denied"


def test_a_method_the_view_lacks_is_405_with_allow() -> None:
    response = APIClient().delete("/api/test/get-only")

    body = problem_of(response, 405)
    assert "DELETE" in body["detail"]
    assert "GET" in response["Allow"]


def test_an_unsupported_media_type_is_415() -> None:
    response = APIClient().post("/api/test/get-only", "a=1", content_type="text/plain")

    body = problem_of(response, 415)
    assert "text/plain" in body["detail"]


def test_malformed_json_is_a_400_parse_error() -> None:
    response = APIClient().post(
        "/api/test/validate", '{"lines": [', content_type="application/json"
    )

    body = problem_of(response, 400)
    assert body["type"] == PROBLEM_TYPE_BASE + "parse-error"
    assert "JSON parse error" in body["detail"]


def test_errors_are_json_even_when_a_browser_asks_for_html() -> None:
    response = APIClient().get("/api/test/raise/not-found", HTTP_ACCEPT="text/html")

    assert problem_of(response, 404)["detail"] == "Order 42 does not exist."


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_api_url_is_a_problem_not_djangos_page(settings, debug: bool) -> None:
    settings.DEBUG = debug

    response = Client().get("/api/v1/nope")

    body = problem_of(response, 404)
    assert body["type"] == PROBLEM_TYPE_BASE + "not-found"
    assert "/api/v1/nope" in body["detail"]
    assert "urlpatterns" not in response.content.decode()  # DEBUG's technical page


def test_a_plain_django_405_under_api_is_a_problem() -> None:
    response = Client().post("/api/test/plain-get-only")

    body = problem_of(response, 405)
    assert body["type"] == PROBLEM_TYPE_BASE + "method-not-allowed"
    assert response["Allow"] == "GET"


@pytest.mark.parametrize("debug", [False, True])
def test_a_crash_outside_drf_under_api_is_a_500_problem(settings, debug: bool) -> None:
    settings.DEBUG = debug

    response = Client(raise_request_exception=False).get("/api/test/plain-crash")

    problem_of(response, 500)
    assert "SECRET-INTERNALS" not in response.content.decode()


def test_a_hand_made_json_error_becomes_a_problem_keeping_its_detail() -> None:
    body = problem_of(APIClient().get("/api/test/hand-made-409"), 409)

    assert body["detail"] == "Made by hand."
    assert body["type"] == PROBLEM_TYPE_BASE + "conflict"


def test_a_problem_sent_as_plain_json_keeps_every_field() -> None:
    body = problem_of(APIClient().get("/api/test/replayed-problem"), 400)

    assert body["detail"] == "Stored."
    assert body["errors"] == {"lines.0.sku": ["Unknown SKU."]}


def test_errors_outside_api_keep_djangos_pages() -> None:
    response = Client().get("/not-an-api-url")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
