"""Catalog's use cases on in-memory fakes: what they store, what they announce, and that a
refused one leaves nothing behind."""

import pytest

from contexts.catalog.contracts import (
    PriceChanged,
    ProductPublished,
    ProductUnpublished,
    SkuCreated,
)
from contexts.catalog.domain.errors import (
    CategoryLoop,
    NothingToSell,
    ProductNotFound,
    SkuCodeTaken,
    SkuNotFound,
    SlugTaken,
    UnknownCategory,
)
from contexts.catalog.domain.values import SkuCode, Slug
from shared_kernel.domain.errors import InvalidInput
from shared_kernel.domain.money import Money
from tests.catalog.fakes import CatalogFakes


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


@pytest.fixture
def fakes() -> CatalogFakes:
    fakes = CatalogFakes()
    use_cases = fakes.use_cases()
    use_cases.create_category(slug="clothing", name="Clothing")
    use_cases.create_category(slug="shirts", name="Shirts", parent="clothing")
    return fakes


def shirt(fakes: CatalogFakes, *, slug: str = "linen-shirt", codes=("SHIRT-M",), price="19.90"):
    return fakes.use_cases().create_product(
        name="Linen shirt",
        slug=slug,
        category="shirts",
        skus=[{"code": code, "attributes": {"size": "M"}, "price": eur(price)} for code in codes],
    )


class TestCategories:
    def test_a_category_goes_under_its_parent(self, fakes):
        shirts = fakes.categories.get(Slug("shirts"))
        clothing = fakes.categories.get(Slug("clothing"))
        assert shirts.parent_id == clothing.id

    def test_a_duplicate_slug_is_a_conflict(self, fakes):
        with pytest.raises(SlugTaken):
            fakes.use_cases().create_category(slug="Shirts", name="More shirts")

    def test_an_unknown_parent_is_refused_on_parent(self, fakes):
        with pytest.raises(UnknownCategory) as refused:
            fakes.use_cases().create_category(slug="hats", name="Hats", parent="nope")
        assert refused.value.field == "parent"

    def test_a_category_moves_but_never_under_its_own_child(self, fakes):
        use_cases = fakes.use_cases()
        use_cases.create_category(slug="tops", name="Tops")
        use_cases.change_category(slug="shirts", name="Shirts & blouses", parent="tops")
        with pytest.raises(CategoryLoop):
            use_cases.change_category(slug="tops", name="Tops", parent="shirts")

        shirts = fakes.categories.get(Slug("shirts"))
        assert (shirts.name.value, shirts.parent_id) == (
            "Shirts & blouses",
            fakes.categories.get(Slug("tops")).id,
        )
        assert fakes.categories.get(Slug("tops")).parent_id is None


class TestCreateProduct:
    def test_a_draft_is_stored_and_each_sku_announced_with_the_products_versions(self, fakes):
        product = shirt(fakes, codes=("SHIRT-M", "shirt-l"))

        stored = fakes.products.get(Slug("linen-shirt"))
        assert not stored.is_published
        assert [sku.code.value for sku in stored.skus] == ["SHIRT-M", "SHIRT-L"]
        assert [(p.event, p.sequence) for p in fakes.uow.published] == [
            (SkuCreated(sku="SHIRT-M", product_id=product.id), 1),
            (SkuCreated(sku="SHIRT-L", product_id=product.id), 2),
        ]
        assert {p.aggregate_id for p in fakes.uow.published} == {str(product.id)}

    def test_the_slug_comes_from_the_name_when_omitted(self, fakes):
        product = fakes.use_cases().create_product(name="Crème Shirt", category="clothing")
        assert product.slug.value == "creme-shirt"

    @pytest.mark.parametrize(
        ("kwargs", "error"),
        [
            ({"slug": "linen-shirt"}, SlugTaken),
            ({"slug": "other", "codes": ("shirt-m",)}, SkuCodeTaken),
            ({"slug": "other", "codes": ("A-1", "a-1")}, SkuCodeTaken),
        ],
    )
    def test_a_taken_slug_or_code_is_a_conflict_and_leaves_nothing(self, fakes, kwargs, error):
        shirt(fakes)
        published_before = len(fakes.uow.published)
        with pytest.raises(error):
            shirt(fakes, **kwargs)
        assert len(fakes.uow.published) == published_before
        assert not fakes.products.slug_taken(Slug("other"))

    def test_an_unknown_category_is_refused_on_category(self, fakes):
        with pytest.raises(UnknownCategory) as refused:
            fakes.use_cases().create_product(name="Hat", category="hats")
        assert refused.value.field == "category"

    def test_a_bad_sku_is_refused_on_its_path(self, fakes):
        with pytest.raises(InvalidInput) as refused:
            fakes.use_cases().create_product(
                name="Hat",
                category="shirts",
                skus=[
                    {"code": "HAT-1", "price": eur("5")},
                    {"code": "HAT-2", "price": Money.of("5", "USD")},
                ],
            )
        assert (refused.value.field, refused.value.code) == ("skus.1.price", "invalid_price")
        assert fakes.uow.published == []


class TestChanges:
    def test_an_edit_changes_the_product_and_forgets_its_page(self, fakes):
        shirt(fakes)
        product = fakes.use_cases().edit_product(
            slug="linen-shirt", description="Breathes.", category="clothing"
        )
        assert (product.name.value, product.description.value, product.version) == (
            "Linen shirt",
            "Breathes.",
            2,
        )
        assert product.category_id == fakes.categories.get(Slug("clothing")).id
        assert fakes.pages.forgotten == ["linen-shirt"]

    def test_a_sku_added_is_announced_at_the_next_version(self, fakes):
        product = shirt(fakes)
        fakes.use_cases().add_sku(
            slug="linen-shirt", code="shirt-l", attributes={"size": "L"}, price=eur("21")
        )
        last = fakes.uow.published[-1]
        assert (last.event, last.sequence) == (SkuCreated(sku="SHIRT-L", product_id=product.id), 2)
        assert fakes.pages.forgotten == ["linen-shirt"]

    def test_a_code_another_product_holds_cannot_be_added(self, fakes):
        shirt(fakes)
        shirt(fakes, slug="other", codes=("OTHER-1",))
        with pytest.raises(SkuCodeTaken):
            fakes.use_cases().add_sku(slug="other", code="SHIRT-M", attributes={}, price=eur("1"))
        assert len(fakes.products.get(Slug("other")).skus) == 1

    def test_a_price_change_is_announced(self, fakes):
        shirt(fakes)
        product = fakes.use_cases().change_sku(code="shirt-m", price=eur("24.50"))
        assert product.sku(SkuCode("SHIRT-M")).price == eur("24.50")
        assert fakes.uow.published[-1].event == PriceChanged(
            sku="SHIRT-M", old_price=eur("19.90"), new_price=eur("24.50")
        )
        assert fakes.pages.forgotten == ["linen-shirt"]

    def test_attributes_change_without_an_event(self, fakes):
        shirt(fakes)
        events = len(fakes.uow.published)
        product = fakes.use_cases().change_sku(code="SHIRT-M", attributes={"size": "Medium"})
        assert product.sku(SkuCode("SHIRT-M")).attributes.as_dict() == {"size": "Medium"}
        assert len(fakes.uow.published) == events

    def test_unknown_product_and_sku_are_not_found(self, fakes):
        with pytest.raises(ProductNotFound):
            fakes.use_cases().publish_product(slug="nope")
        with pytest.raises(SkuNotFound):
            fakes.use_cases().change_sku(code="NOPE", price=eur("1"))

    def test_publish_and_unpublish_announce_the_product(self, fakes):
        product = shirt(fakes, codes=("SHIRT-M", "SHIRT-L"))
        use_cases = fakes.use_cases()
        use_cases.publish_product(slug="linen-shirt")
        use_cases.unpublish_product(slug="linen-shirt")

        codes = ("SHIRT-M", "SHIRT-L")
        assert [(p.event, p.sequence) for p in fakes.uow.published[2:]] == [
            (ProductPublished(product_id=product.id, slug="linen-shirt", skus=codes), 3),
            (ProductUnpublished(product_id=product.id, slug="linen-shirt", skus=codes), 4),
        ]
        assert fakes.pages.forgotten == ["linen-shirt", "linen-shirt"]

    def test_nothing_to_sell_is_not_published(self, fakes):
        shirt(fakes, price="0")
        with pytest.raises(NothingToSell):
            fakes.use_cases().publish_product(slug="linen-shirt")
        assert not fakes.products.get(Slug("linen-shirt")).is_published
        assert fakes.uow.rollbacks == 1


class TestAvailability:
    def test_a_newer_figure_replaces_the_held_one_and_forgets_the_page(self, fakes):
        shirt(fakes)
        record = fakes.use_cases().record_availability
        record(sku="SHIRT-M", available=5, sequence=2)
        record(sku="SHIRT-M", available=9, sequence=1)

        assert fakes.availability.available("SHIRT-M") == 5
        assert fakes.pages.forgotten == ["linen-shirt"]

    def test_an_unknown_sku_is_held_with_no_page_to_forget(self, fakes):
        fakes.use_cases().record_availability(sku="LATER-1", available=3, sequence=1)
        assert fakes.availability.available("LATER-1") == 3
        assert fakes.pages.forgotten == []
