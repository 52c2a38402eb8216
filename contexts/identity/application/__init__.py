"""Identity's use cases and the ports they need. No Django, no DRF, no Celery."""
