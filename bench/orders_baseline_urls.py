"""The plain DRF create `bench/orders.py` measures `POST /api/v1/orders` against: a
`ModelSerializer` behind a `CreateAPIView`, one INSERT into a small table of its own
(`create_table()` makes it), and `/health/live` for the start-up probe."""

import uuid
from typing import Any, ClassVar

from django.db import connection, models
from django.http import HttpRequest, JsonResponse
from django.urls import path
from rest_framework import generics, serializers


class Placement(models.Model):
    objects: ClassVar[models.Manager["Placement"]] = models.Manager()

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    sku = models.CharField(max_length=64)
    quantity = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        managed = False
        db_table = "bench_orders_placement"
        app_label = "baseline"

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"


class PlacementSerializer(serializers.ModelSerializer[Placement]):
    class Meta:
        model = Placement
        fields = ("id", "sku", "quantity", "created_at")
        read_only_fields = ("id", "created_at")


class PlacementView(generics.CreateAPIView[Placement]):
    queryset = Placement.objects.all()
    serializer_class = PlacementSerializer


def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def create_table() -> None:
    """The baseline's table, in the bench's new database."""
    with connection.schema_editor() as editor:
        editor.create_model(Placement)


urlpatterns: list[Any] = [
    path("health/live", live),
    path("placements", PlacementView.as_view()),
]
