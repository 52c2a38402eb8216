"""`manage.py demo_data` runs every registered loader, prints what they return, and can be
run again with no second effect."""

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from shared_kernel import demo

pytestmark = pytest.mark.django_db


def _run_demo_data() -> str:
    out = StringIO()
    call_command("demo_data", stdout=out, no_color=True)
    return out.getvalue()


def _load_a_demo_customer() -> list[str]:
    user_model = get_user_model()
    user_model.objects.get_or_create(email="demo-test@example.com", defaults={"full_name": "T"})
    return ["customer: demo-test@example.com / secret"]


def test_runs_each_registered_loader_and_prints_its_lines(monkeypatch):
    monkeypatch.setattr(demo, "_loaders", {})
    demo.register_demo_loader("testctx", _load_a_demo_customer)

    first = _run_demo_data()
    second = _run_demo_data()

    for output in (first, second):
        assert "testctx:" in output
        assert "customer: demo-test@example.com / secret" in output
        assert "Demo data loaded." in output
    assert get_user_model().objects.filter(email="demo-test@example.com").count() == 1


def test_says_so_when_no_context_registered_a_loader(monkeypatch):
    monkeypatch.setattr(demo, "_loaders", {})

    assert "nothing to load" in _run_demo_data()


def test_a_failing_loader_leaves_nothing_half_loaded(monkeypatch):
    def load_then_fail() -> list[str]:
        _load_a_demo_customer()
        raise RuntimeError("demo loader broke")

    monkeypatch.setattr(demo, "_loaders", {"broken": load_then_fail})

    with pytest.raises(RuntimeError, match="demo loader broke"):
        _run_demo_data()
    assert not get_user_model().objects.filter(email="demo-test@example.com").exists()


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def test_the_real_demo_loaders_are_idempotent():
    """Every context's own loader, run twice, adds nothing the second time."""
    _run_demo_data()
    after_first = _row_counts()

    _run_demo_data()

    assert _row_counts() == after_first
