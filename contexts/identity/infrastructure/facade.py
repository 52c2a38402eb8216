"""The query facade other contexts call through `contexts.identity.contracts`."""

import uuid

from contexts.identity.contracts import CustomerContact, IdentityFacade
from contexts.identity.infrastructure.models import User


class DjangoIdentityFacade(IdentityFacade):
    def contact_of(self, user_id: uuid.UUID) -> CustomerContact | None:
        row = User.objects.filter(pk=user_id).values("id", "email", "full_name").first()
        return CustomerContact(**row) if row is not None else None

    def user_id_by_email(self, email: str) -> uuid.UUID | None:
        found: uuid.UUID | None = (
            User.objects.with_email(email).values_list("id", flat=True).first()
        )
        return found
