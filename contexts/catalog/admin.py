"""Back-office screens for catalog; they change state only through its use cases, so the
admin obeys the same rules as the API (a product is published only with a SKU priced
above zero, codes and slugs are unique). SKUs are edited inline on their product."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from contexts.catalog.application.services import catalog_use_cases
from contexts.catalog.models import Category, Product, Sku
from shared_kernel.backoffice import UseCaseAdmin
from shared_kernel.domain.errors import DomainError
from shared_kernel.domain.money import Money


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ("slug", "name", "parent")

    def validate_unique(self) -> None:
        """Decided by the use case (a taken slug is refused on the form as a conflict)."""


@admin.register(Category)
class CategoryAdmin(UseCaseAdmin):
    form = CategoryForm
    list_display = ("name", "slug", "parent")
    search_fields = ("name", "slug")
    ordering = ("name",)

    def get_readonly_fields(self, request: HttpRequest, obj: Category | None = None) -> Any:
        return () if obj is None else ("slug",)

    def has_delete_permission(self, request: HttpRequest, obj: Category | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Category, form: Any, change: bool) -> None:
        data = form.cleaned_data
        parent = data["parent"].slug if data.get("parent") else None
        use_cases = catalog_use_cases()
        if change:
            use_cases.change_category(slug=obj.slug, name=data["name"], parent=parent)
        else:
            category = use_cases.create_category(
                slug=data["slug"], name=data["name"], parent=parent
            )
            obj.pk = category.id
        obj.refresh_from_db()


def _attributes_text(pairs: list[list[str]]) -> str:
    return "; ".join(f"{key}: {value}" for key, value in pairs)


class SkuForm(forms.ModelForm):
    """A SKU as staff type it: the code (fixed once saved), `size: M; colour: blue`, and a
    price in the shop's currency."""

    attributes_text = forms.CharField(
        label="Attributes", required=False, help_text="name: value; name: value"
    )

    class Meta:
        model = Sku
        fields = ("code", "price_amount")
        labels = {"price_amount": "Price"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["code"].disabled = True
            self.initial["attributes_text"] = _attributes_text(self.instance.attributes)

    def clean_attributes_text(self) -> dict[str, str]:
        attributes: dict[str, str] = {}
        for part in filter(str.strip, self.cleaned_data["attributes_text"].split(";")):
            key, colon, value = part.partition(":")
            if not colon:
                raise ValidationError(f"'{part.strip()}' is not 'name: value'.")
            attributes[key.strip()] = value.strip()
        return attributes

    def validate_unique(self) -> None:
        """Decided by the use case: a taken code is refused on the form as a conflict."""


class SkuInline(admin.TabularInline):
    model = Sku
    form = SkuForm
    extra = 1
    can_delete = False  # a SKU orders may name stays; change its price, or unpublish
    fields = ("code", "attributes_text", "price_amount", "price_currency")
    readonly_fields = ("price_currency",)


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ("name", "slug", "description", "category")
        help_texts = {"slug": "Made from the name when left empty."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False

    def validate_unique(self) -> None:
        """Decided by the use case (a taken slug is refused on the form as a conflict)."""


@admin.register(Product)
class ProductAdmin(UseCaseAdmin):
    form = ProductForm
    inlines = (SkuInline,)
    list_display = ("name", "slug", "category", "published", "version")
    list_filter = ("published", "category")
    search_fields = ("name", "slug", "skus__code")
    ordering = ("name",)
    list_select_related = ("category",)
    actions = ("publish_products", "unpublish_products")

    def get_readonly_fields(self, request: HttpRequest, obj: Product | None = None) -> Any:
        return () if obj is None else ("slug", "published", "version")

    def has_delete_permission(self, request: HttpRequest, obj: Product | None = None) -> bool:
        """Products are unpublished, never deleted: orders still name their SKUs."""
        return False

    def save_model(self, request: HttpRequest, obj: Product, form: Any, change: bool) -> None:
        data = form.cleaned_data
        use_cases = catalog_use_cases()
        if change:
            changed = form.changed_data
            edits = {name: data[name] for name in ("name", "description") if name in changed}
            if "category" in changed:
                edits["category"] = data["category"].slug
            if edits:
                use_cases.edit_product(slug=obj.slug, **edits)
        else:
            product = use_cases.create_product(
                name=data["name"],
                slug=data["slug"] or None,
                description=data["description"],
                category=data["category"].slug,
            )
            obj.pk = product.id
        obj.refresh_from_db()

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """SKUs through the use cases: a new row is added, a changed one changed."""
        product: Product = form.instance
        use_cases = catalog_use_cases()
        # What the admin's history message lists; the use cases, not the formset, saved.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for sku_form in formset.forms:
            if not sku_form.has_changed():
                continue
            data = sku_form.cleaned_data
            price = Money.of(data["price_amount"], settings.SHOP_CURRENCY)
            if sku_form.instance.pk is None:
                use_cases.add_sku(
                    slug=product.slug,
                    code=data["code"],
                    attributes=data["attributes_text"],
                    price=price,
                )
            else:
                use_cases.change_sku(
                    code=sku_form.instance.code, attributes=data["attributes_text"], price=price
                )

    @admin.action(description="Publish the selected products", permissions=("change",))
    def publish_products(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        self._each(request, queryset, catalog_use_cases().publish_product, "published")

    @admin.action(description="Unpublish the selected products", permissions=("change",))
    def unpublish_products(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        self._each(request, queryset, catalog_use_cases().unpublish_product, "unpublished")

    def _each(
        self, request: HttpRequest, queryset: QuerySet[Product], use_case: Any, done: str
    ) -> None:
        count = 0
        for slug in queryset.values_list("slug", flat=True):
            try:
                use_case(slug=slug)
                count += 1
            except DomainError as refused:
                self.message_user(request, f"{slug}: {refused.detail}", level=messages.ERROR)
        self.message_user(request, f"{count} product(s) {done}.", messages.SUCCESS)
