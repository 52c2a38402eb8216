"""Identity's read side on the ORM: one query per answer, straight into frozen DTOs."""

from contexts.identity.application.ports import AccountProfile, AccountQueries
from contexts.identity.domain.account import UserId
from contexts.identity.domain.errors import AccountNotFound
from contexts.identity.infrastructure.models import User

_PROFILE = ("id", "email", "full_name", "is_staff", "date_joined")


class DjangoAccountQueries(AccountQueries):
    def profile(self, user_id: UserId) -> AccountProfile:
        row = User.objects.filter(pk=user_id).values(*_PROFILE).first()
        if row is None:
            raise AccountNotFound(f"No account with id {user_id}.")
        return AccountProfile(**{**row, "id": UserId(row["id"])})
