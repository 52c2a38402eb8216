"""The beat's housekeeping: expired refresh tokens are flushed, live ones kept."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from contexts.identity.models import User
from shared_kernel.housekeeping import flush_expired_tokens

pytestmark = pytest.mark.django_db


def _outstanding(user: User, jti: str, *, expires_in: timedelta) -> OutstandingToken:
    now = timezone.now()
    return OutstandingToken.objects.create(
        user=user, jti=jti, token=f"token-{jti}", created_at=now, expires_at=now + expires_in
    )


def test_the_flush_deletes_expired_tokens_and_their_blacklist_rows_and_keeps_live_ones() -> None:
    user = User.objects.create_user("ann@example.com")
    expired = _outstanding(user, "expired", expires_in=-timedelta(minutes=1))
    BlacklistedToken.objects.create(token=expired)
    live = _outstanding(user, "live", expires_in=timedelta(days=1))
    BlacklistedToken.objects.create(token=live)

    flush_expired_tokens.apply().get()  # get() re-raises what the task raised

    assert list(OutstandingToken.objects.values_list("jti", flat=True)) == ["live"]
    assert list(BlacklistedToken.objects.values_list("token__jti", flat=True)) == ["live"]


def test_beat_runs_the_flush() -> None:
    """Without a schedule entry nothing ever calls the task and the table grows forever."""
    tasks = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert flush_expired_tokens.name in tasks
