"""OpenTelemetry traces across Django, Celery, psycopg and Redis (ARCHITECTURE.md §7).

Off unless `OTEL_EXPORTER_OTLP_ENDPOINT` is set; the SDK then reads the other standard
`OTEL_*` variables (headers, sampler, resource attributes) itself. The web process turns it
on before Django loads its middleware (config.wsgi/asgi); each Celery worker child turns it
on after the fork (config.celery), because the exporter's background thread does not
survive a fork.
"""

import os

from opentelemetry import trace
from opentelemetry.instrumentation.celery import CeleryInstrumentor
from opentelemetry.instrumentation.django import DjangoInstrumentor
from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
from opentelemetry.instrumentation.redis import RedisInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter


def tracing_requested() -> bool:
    return bool(os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"))


def configure_tracing(*, service_name: str, exporter: SpanExporter | None = None) -> TracerProvider:
    """Install a tracer provider exporting over OTLP/HTTP and instrument the libraries."""
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter()
    resource = Resource.create({SERVICE_NAME: os.environ.get("OTEL_SERVICE_NAME", service_name)})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    for instrumentor in (DjangoInstrumentor(), PsycopgInstrumentor(), RedisInstrumentor()):
        if not instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.instrument(tracer_provider=provider)
    return provider


def instrument_celery(provider: TracerProvider | None = None) -> None:
    instrumentor = CeleryInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument(tracer_provider=provider)
