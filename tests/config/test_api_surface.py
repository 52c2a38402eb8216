"""CORS for frontends, and the API's docs served with their own assets (ARCHITECTURE.md §5)."""

import re

import pytest
from django.test import Client

FRONTEND = "https://shop.example.com"


@pytest.fixture
def frontend_allowed(settings) -> None:
    settings.CORS_ALLOWED_ORIGINS = [FRONTEND]


def test_an_allowed_origin_gets_the_cors_header_even_on_errors(frontend_allowed: None) -> None:
    response = Client().get("/api/v1/nope", HTTP_ORIGIN=FRONTEND)

    assert response["Content-Type"] == "application/problem+json"
    assert response["Access-Control-Allow-Origin"] == FRONTEND
    exposed = response["Access-Control-Expose-Headers"]
    assert {"ETag", "Idempotent-Replayed", "Retry-After"} <= set(exposed.split(", "))


def test_an_allowed_origin_may_preflight(frontend_allowed: None) -> None:
    response = Client().options(
        "/api/v1/orders",
        HTTP_ORIGIN=FRONTEND,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, idempotency-key",
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FRONTEND
    assert "idempotency-key" in response["Access-Control-Allow-Headers"]


def test_another_origin_gets_no_cors_header(frontend_allowed: None) -> None:
    response = Client().get("/api/v1/nope", HTTP_ORIGIN="https://evil.example")

    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize(
    ("page", "asset"),
    [
        ("/api/docs/", "swagger-ui-dist/swagger-ui-bundle.js"),
        ("/api/redoc/", "redoc/bundles/redoc.standalone.js"),
    ],
)
def test_docs_pages_load_their_assets_from_the_app_itself(settings, page: str, asset: str) -> None:
    settings.DEBUG = True  # whitenoise serves from the finders in development
    client = Client()

    html = client.get(page).content.decode()

    assert f"/static/drf_spectacular_sidecar/{asset}" in html
    assert not re.search(r"https?://(cdn\.jsdelivr\.net|unpkg\.com|cdnjs)", html)
    served = client.get(f"/static/drf_spectacular_sidecar/{asset}")
    assert served.status_code == 200
    assert served.getvalue()


@pytest.mark.django_db
def test_the_schema_is_served_as_openapi_3() -> None:
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Emporium API"


@pytest.mark.django_db
def test_every_operation_documents_its_errors_as_problems() -> None:
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]

    assert operations
    for path, method, operation in operations:
        default = operation["responses"]["default"]["content"]["application/problem+json"]
        assert default["schema"] == {"$ref": "#/components/schemas/Problem"}, (path, method)
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    assert "errors" in problem["properties"]
