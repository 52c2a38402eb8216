"""Django finds a context's models here; they live in `infrastructure/models.py`."""
