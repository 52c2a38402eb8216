"""Identity's demo data: one staff account and one customer, with a documented password.

Run by `manage.py demo_data` (registered in `IdentityConfig.ready`). Idempotent: an account
that already exists is left as it is, and its login is printed again.
"""

from contexts.identity.application.services import identity_use_cases
from contexts.identity.contracts import identity_facade
from contexts.identity.domain.account import UserId
from contexts.identity.infrastructure.models import User

DEMO_PASSWORD = "emporium-demo-pass"  # noqa: S105 - published in the README on purpose
STAFF_EMAIL = "staff@example.com"
CUSTOMER_EMAIL = "customer@example.com"


def load_demo_accounts() -> list[str]:
    staff_id = _ensure_account(STAFF_EMAIL, "Sam Staff")
    identity_use_cases().change_staff_status(user_id=staff_id, is_staff=True)
    # Admin permissions are Django's auth machinery, not an identity rule: the demo's staff
    # member may do everything in the back-office.
    User.objects.filter(pk=staff_id).update(is_superuser=True)
    _ensure_account(CUSTOMER_EMAIL, "Casey Customer")
    return [
        f"staff (admin at /admin/): {STAFF_EMAIL} / {DEMO_PASSWORD}",
        f"customer: {CUSTOMER_EMAIL} / {DEMO_PASSWORD}",
    ]


def _ensure_account(email: str, full_name: str) -> UserId:
    existing = identity_facade().user_id_by_email(email)
    if existing is not None:
        return UserId(existing)
    account = identity_use_cases().register_user(
        email=email, password=DEMO_PASSWORD, full_name=full_name
    )
    return account.id
