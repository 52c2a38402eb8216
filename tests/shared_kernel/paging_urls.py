"""A list of accounts behind the shared pager, for tests/shared_kernel/test_paging.py."""

from typing import Any

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contexts.identity.models import User
from shared_kernel.api.paging import page_request, paginated
from shared_kernel.infrastructure.paging import keyset_page


class AccountNames(APIView):
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []

    def get(self, request: Request) -> Response:
        page = keyset_page(
            User.objects.filter(full_name__startswith=request.query_params.get("prefix", "")),
            page_request(request),
            order=("full_name", "id"),
            to_item=lambda user: user.email,
        )
        return paginated(request, page, list(page.items))


urlpatterns = [path("api/test/accounts", AccountNames.as_view())]
