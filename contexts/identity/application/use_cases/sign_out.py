from contexts.identity.application.ports import SessionRevoker
from contexts.identity.domain.account import UserId


class SignOut:
    """End one session of the caller: its refresh token stops working (`/auth/logout`)."""

    def __init__(self, *, sessions: SessionRevoker) -> None:
        self._sessions = sessions

    def __call__(self, *, user_id: UserId, refresh_token: str) -> None:
        self._sessions.revoke(refresh_token, owner=user_id)
