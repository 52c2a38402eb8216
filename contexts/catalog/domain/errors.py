"""Catalog's named errors: each says which business rule refused the change."""

from shared_kernel.domain.errors import Conflict, InvalidInput, NotFound


class InvalidSlug(InvalidInput):
    title = "Invalid slug"
    code = "invalid_slug"

    def __init__(self, message: str, *, field: str = "slug") -> None:
        super().__init__(field, [message])


class InvalidName(InvalidInput):
    title = "Invalid name"
    code = "invalid_name"

    def __init__(self, message: str, *, field: str = "name") -> None:
        super().__init__(field, [message])


class InvalidSkuCode(InvalidInput):
    title = "Invalid SKU code"
    code = "invalid_sku_code"

    def __init__(self, message: str) -> None:
        super().__init__("code", [message])


class InvalidAttributes(InvalidInput):
    title = "Invalid SKU attributes"
    code = "invalid_attributes"

    def __init__(self, message: str) -> None:
        super().__init__("attributes", [message])


class InvalidPrice(InvalidInput):
    title = "Invalid price"
    code = "invalid_price"

    def __init__(self, message: str) -> None:
        super().__init__("price", [message])


class UnknownCategory(InvalidInput):
    """A category named in a product or a filter that catalog does not have."""

    title = "Unknown category"
    code = "unknown_category"

    def __init__(self, slug: str, *, field: str = "category") -> None:
        super().__init__(field, [f"There is no category '{slug}'."])


class CategoryLoop(InvalidInput):
    title = "A category cannot be its own ancestor"
    code = "category_loop"

    def __init__(self) -> None:
        super().__init__("parent", ["A category cannot be placed under itself or its children."])


class SlugTaken(Conflict):
    title = "Slug already taken"
    code = "slug_taken"

    def __init__(self, what: str, slug: str) -> None:
        super().__init__(f"A {what} with the slug '{slug}' already exists.")


class SkuCodeTaken(Conflict):
    title = "SKU code already taken"
    code = "sku_code_taken"

    def __init__(self, code: str) -> None:
        super().__init__(f"A SKU with the code '{code}' already exists.")


class NothingToSell(Conflict):
    """Publishing (or keeping published) a product with no SKU priced above zero."""

    title = "Nothing to sell"
    code = "nothing_to_sell"

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            detail or "A product is published only with at least one SKU priced above zero."
        )


class CategoryNotFound(NotFound):
    title = "Category not found"
    code = "category_not_found"


class ProductNotFound(NotFound):
    title = "Product not found"
    code = "product_not_found"


class SkuNotFound(NotFound):
    title = "SKU not found"
    code = "sku_not_found"
