from typing import ClassVar

from django.db import models


class Row(models.Model):
    """Identity's user table, read as it is: one row for the plain DRF retrieve."""

    objects: ClassVar[models.Manager["Row"]] = models.Manager()

    id = models.UUIDField(primary_key=True)
    email = models.CharField(max_length=254)
    full_name = models.CharField(max_length=200)
    is_staff = models.BooleanField()
    date_joined = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "identity_user"
        app_label = "baseline"

    def __str__(self) -> str:
        return self.email
