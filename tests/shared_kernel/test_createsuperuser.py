"""`createsuperuser --noinput` works from the environment alone, as a deployment runs it
(ARCHITECTURE.md §6): `DJANGO_SUPERUSER_EMAIL` and `DJANGO_SUPERUSER_PASSWORD`; `full_name`
is optional (left blank, editable in admin afterwards)."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def _createsuperuser() -> None:
    call_command("createsuperuser", interactive=False, stdout=StringIO(), stderr=StringIO())


def test_creates_a_staff_superuser_from_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Ops@Example.COM")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-operator-password")

    _createsuperuser()

    user = get_user_model().objects.get()
    assert user.email == "ops@example.com"
    assert user.is_staff
    assert user.is_superuser
    assert user.check_password("a-long-operator-password")
    assert user.full_name == ""


def test_refuses_without_an_email(monkeypatch):
    monkeypatch.delenv("DJANGO_SUPERUSER_EMAIL", raising=False)
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-operator-password")

    with pytest.raises(CommandError, match="email"):
        _createsuperuser()
    assert not get_user_model().objects.exists()


def test_refuses_a_second_account_with_the_same_email_in_any_case(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "ops@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-operator-password")
    _createsuperuser()

    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "OPS@Example.com")
    with pytest.raises(CommandError, match="already"):
        _createsuperuser()
    assert get_user_model().objects.count() == 1
