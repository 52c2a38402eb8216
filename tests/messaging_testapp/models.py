"""The effects the test subscribers leave: one row per run, no uniqueness, so a second run
of the same event would show as a second row."""

from typing import ClassVar

from django.db import models


class Effect(models.Model):
    objects: ClassVar[models.Manager["Effect"]] = models.Manager()

    event_id = models.UUIDField()
    subscriber = models.CharField(max_length=150)
    value = models.CharField(max_length=200, blank=True)

    class Meta:
        app_label = "messaging_testapp"

    def __str__(self) -> str:
        return f"{self.subscriber} {self.event_id}"
