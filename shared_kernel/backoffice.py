"""What every context's admin does the same way: change state through use cases, and show a
change the domain refused as an error on the form, with what staff typed still in it."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponse

from shared_kernel.domain.errors import DomainError, InvalidInput


class UseCaseAdmin(admin.ModelAdmin):
    """`save_model` calls use cases; a `DomainError` it raises rolls the change back (the
    change view runs in one transaction) and the form comes back bound to the POST, the
    refusal on the field it names (`InvalidInput`) or above the form."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as refused:
            return self._refused_form(request, object_id, form_url, extra_context, refused)

    def refused(self, request: HttpRequest, error: DomainError) -> None:
        """For actions: tell staff why the use case refused (the others went through)."""
        self.message_user(request, refusal_text(error), level=messages.ERROR)

    def _refused_form(
        self,
        request: HttpRequest,
        object_id: str | None,
        form_url: str,
        extra_context: dict[str, Any] | None,
        error: DomainError,
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        add = obj is None
        form = self.get_form(request, obj, change=not add)(
            request.POST, request.FILES, instance=obj
        )
        form.is_valid()
        field = error.field if isinstance(error, InvalidInput) else None
        form.add_error(field if field in form.fields else None, refusal_text(error))
        admin_form = helpers.AdminForm(
            form,
            list(self.get_fieldsets(request, obj)),  # type: ignore[arg-type]
            self.get_prepopulated_fields(request, obj) if add else {},
            self.get_readonly_fields(request, obj),
            model_admin=self,
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"{'Add' if add else 'Change'} {self.opts.verbose_name}",
            "subtitle": str(obj) if obj else None,
            "adminform": admin_form,
            "object_id": object_id,
            "original": obj,
            "is_popup": False,
            "to_field": None,
            "media": self.media + admin_form.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        return self.render_change_form(
            request, context, add=add, change=not add, obj=obj, form_url=form_url
        )


def refusal_text(error: DomainError) -> str:
    if isinstance(error, InvalidInput):
        return " ".join(error.messages)
    return error.detail
