"""factory-boy factories shared by the suite, one section per context."""

from typing import Any

import factory
from django.contrib.auth.hashers import make_password

from contexts.identity.models import User

DEFAULT_PASSWORD = "correct-horse-battery"
# Argon2 is slow on purpose; the hash is computed once and shared by every factory user.
_DEFAULT_PASSWORD_HASH = make_password(DEFAULT_PASSWORD)


class UserFactory(factory.django.DjangoModelFactory[User]):
    """An active customer who signs in with DEFAULT_PASSWORD (`raw_password=` sets another)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    is_active = True
    is_staff = False
    password = _DEFAULT_PASSWORD_HASH

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        raw = kwargs.pop("raw_password", None)
        if raw is not None:
            kwargs["password"] = make_password(raw)
        return super()._create(model_class, *args, **kwargs)


class StaffFactory(UserFactory):
    is_staff = True
