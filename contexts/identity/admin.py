"""The back-office for accounts. Every change goes through identity's use cases, so the
admin obeys the same rules as the API; the password hash is never shown."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from contexts.identity.application.services import identity_use_cases
from contexts.identity.domain.account import UserId
from contexts.identity.models import User
from shared_kernel import sign_in_lockout as lockout
from shared_kernel.backoffice import UseCaseAdmin
from shared_kernel.domain.errors import DomainError


class AddUserForm(forms.ModelForm):
    """Staff open an account as a customer would: email, name, a password typed twice."""

    password1 = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label="Password (again)", strip=False, widget=forms.PasswordInput)

    class Meta:
        model = User
        fields = ("email", "full_name", "is_staff")

    def clean_email(self) -> str:
        """A friendly early answer; the register use case still has the last word."""
        email: str = self.cleaned_data["email"]
        if User.objects.with_email(email).exists():
            raise ValidationError("An account with this email address already exists.")
        return email

    def clean_password2(self) -> str:
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            raise ValidationError("The two passwords differ.")
        if second:
            would_be_user = User(
                email=self.cleaned_data.get("email", ""),
                full_name=self.cleaned_data.get("full_name", ""),
            )
            password_validation.validate_password(second, user=would_be_user)
        return second or ""

    def validate_unique(self) -> None:
        """Uniqueness (in any case) is checked above and decided by the register use case."""


class ChangeUserForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("full_name", "is_staff", "groups", "user_permissions")


@admin.register(User)
class UserAdmin(UseCaseAdmin):
    form = ChangeUserForm
    add_form = AddUserForm
    list_display = ("email", "full_name", "is_staff", "is_active", "date_joined", "last_login")
    list_filter = ("is_staff", "is_active")
    search_fields = ("email", "full_name")
    ordering = ("-date_joined",)
    readonly_fields = (
        "id",
        "email",
        "is_active",
        "is_superuser",
        "sign_in_lockout",
        "date_joined",
        "last_login",
    )
    filter_horizontal = ("groups", "user_permissions")
    actions = ("deactivate_accounts", "release_sign_in_lockout")
    fieldsets = (
        (None, {"fields": ("id", "email", "full_name")}),
        ("Status", {"fields": ("is_active", "is_staff", "is_superuser", "sign_in_lockout")}),
        ("Back-office permissions", {"fields": ("groups", "user_permissions")}),
        ("Dates", {"fields": ("date_joined", "last_login")}),
    )
    add_fieldsets = (
        (None, {"fields": ("email", "full_name", "is_staff", "password1", "password2")}),
    )

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> Any:
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> Any:
        return () if obj is None else self.readonly_fields

    def get_form(
        self, request: HttpRequest, obj: User | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change=change, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        """Accounts are deactivated, never deleted: orders and payments still name them."""
        return False

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """Through the use cases; a refusal comes back on the form (`UseCaseAdmin`)."""
        use_cases = identity_use_cases()
        data = form.cleaned_data
        if change:
            # Only what was changed: a deactivated account refuses a profile change
            # but must still let staff withdraw its back-office rights.
            user_id = UserId(obj.pk)
            if "full_name" in form.changed_data:
                use_cases.change_profile(user_id=user_id, full_name=data["full_name"])
            if "is_staff" in form.changed_data:
                use_cases.change_staff_status(user_id=user_id, is_staff=data["is_staff"])
        else:
            account = use_cases.register_user(
                email=data["email"], password=data["password1"], full_name=data["full_name"]
            )
            if data["is_staff"]:
                use_cases.change_staff_status(user_id=account.id, is_staff=True)
            obj.pk = account.id
        obj.refresh_from_db()

    @admin.action(description="Deactivate the selected accounts")
    def deactivate_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        deactivate = identity_use_cases().deactivate_account
        done = 0
        for user_id in queryset.values_list("id", flat=True):
            try:
                deactivate(user_id=UserId(user_id))
                done += 1
            except DomainError as refused:
                self.refused(request, refused)
        self.message_user(request, f"{done} account(s) deactivated.", messages.SUCCESS)

    @admin.display(description="Sign-in lockout")
    def sign_in_lockout(self, obj: User) -> str:
        """Failed sign-ins for this account in the cool-off window, from any address."""
        state = lockout.account_lockout(obj.email)
        if state.locked_until is not None:
            until = timezone.localtime(state.locked_until)
            return f"Locked until {until:%Y-%m-%d %H:%M:%S %Z} ({state.failures} failed sign-ins)"
        if state.failures:
            return f"Not locked ({state.failures} recent failed sign-ins)"
        return "Not locked"

    @admin.action(
        description="Release the sign-in lockout of the selected accounts", permissions=("change",)
    )
    def release_sign_in_lockout(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """Forget the accounts' failed sign-ins: they can sign in at once (ADR 0015). An
        address locked for trying many accounts is released under "Access attempts"."""
        emails = list(queryset.values_list("email", flat=True))
        for email in emails:
            lockout.release_account(email, by=request.user.pk)
        self.message_user(
            request, f"Sign-in lockout released for {len(emails)} account(s).", messages.SUCCESS
        )
