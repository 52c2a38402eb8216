from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from shared_kernel.api import docs
from shared_kernel.observability import health, metrics

api_v1 = [
    path("", include("contexts.identity.api.urls")),
    path("catalog/", include("contexts.catalog.api.urls")),
    path("inventory/", include("contexts.inventory.api.urls")),
    path("orders", include("contexts.ordering.api.urls")),
    path("payments", include("contexts.payments.api.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", docs.swagger_ui("schema"), name="swagger-ui"),
    path("api/redoc/", docs.redoc("schema"), name="redoc"),
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
    path("metrics", metrics.export, name="metrics"),
]
