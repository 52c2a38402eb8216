from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import path
from rest_framework import generics, serializers

from bench.baseline.models import Row


def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


class RowSerializer(serializers.ModelSerializer[Row]):
    class Meta:
        model = Row
        fields = ("id", "email", "full_name", "is_staff", "date_joined")


class RowView(generics.RetrieveAPIView[Row]):
    queryset = Row.objects.all()
    serializer_class = RowSerializer


urlpatterns: list[Any] = [
    path("health/live", live),
    path("row/<uuid:pk>", RowView.as_view()),
]
