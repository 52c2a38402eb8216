"""Placeholder: filled in by the API-plumbing work."""

from django.http import HttpRequest, HttpResponse
from django_prometheus.exports import ExportToDjangoView


def export(request: HttpRequest) -> HttpResponse:
    return ExportToDjangoView(request)
