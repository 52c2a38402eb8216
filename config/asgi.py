import os

from django.core.asgi import get_asgi_application

from shared_kernel.observability.tracing import configure_tracing, tracing_requested

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

if tracing_requested():
    configure_tracing(service_name="emporium-web")

application = get_asgi_application()
