"""Catalog's domain rules: plain pytest, no database, no Django."""

import pytest

from contexts.catalog.contracts import (
    PriceChanged,
    ProductPublished,
    ProductUnpublished,
    SkuCreated,
)
from contexts.catalog.domain.category import Category, CategoryId
from contexts.catalog.domain.errors import (
    CategoryLoop,
    InvalidAttributes,
    InvalidName,
    InvalidPrice,
    InvalidSkuCode,
    InvalidSlug,
    NothingToSell,
    SkuCodeTaken,
    SkuNotFound,
)
from contexts.catalog.domain.product import Product, ProductId, Sku
from contexts.catalog.domain.values import Attributes, Description, Name, SkuCode, Slug
from shared_kernel.domain.money import Money


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def a_sku(code: str = "SHIRT-M", price: str = "19.90", **attributes: str) -> Sku:
    return Sku(code=SkuCode(code), attributes=Attributes.of(attributes), price=eur(price))


def a_product(*skus: Sku) -> Product:
    product = Product.draft(
        id=ProductId.new(),
        slug=Slug("linen-shirt"),
        name=Name("Linen shirt"),
        description=Description("Cool in summer."),
        category_id=CategoryId.new(),
        skus=skus,
    )
    product.mark_saved()
    product.collect_events()
    return product


def raised(product: Product) -> list[object]:
    product.mark_saved()
    return [recorded.event for recorded in product.collect_events()]


class TestValues:
    @pytest.mark.parametrize(
        ("given", "stored"), [("linen-shirt", "linen-shirt"), (" Shirts-2 ", "shirts-2")]
    )
    def test_a_slug_is_trimmed_and_lower_cased(self, given, stored):
        assert Slug(given).value == stored

    @pytest.mark.parametrize("bad", ["", "two words", "-lead", "trail-", "a--b", "ü", "x" * 101, 7])
    def test_a_slug_refuses_what_a_url_cannot_hold(self, bad):
        with pytest.raises(InvalidSlug) as refused:
            Slug(bad)
        assert refused.value.field == "slug"

    @pytest.mark.parametrize(
        ("name", "slug"),
        [("Linen Shirt, Blue!", "linen-shirt-blue"), ("Crème brûlée  set", "creme-brulee-set")],
    )
    def test_a_slug_is_made_from_a_name(self, name, slug):
        assert Slug.from_name(Name(name)).value == slug

    def test_a_name_without_letters_or_digits_gives_no_slug(self):
        with pytest.raises(InvalidSlug):
            Slug.from_name(Name("!!!"))

    @pytest.mark.parametrize("bad", ["", "   ", "x" * 201, None, "nul\x00"])
    def test_a_name_is_never_blank_nor_too_long(self, bad):
        with pytest.raises(InvalidName):
            Name(bad)

    def test_a_name_collapses_spaces(self):
        assert Name("  Linen   shirt ").value == "Linen shirt"

    def test_a_description_may_be_empty_but_not_too_long(self):
        assert Description("  ").value == ""
        for bad in ("x" * 5001, "nul\x00"):
            with pytest.raises(InvalidName) as refused:
                Description(bad)
            assert refused.value.field == "description"

    def test_a_sku_code_is_upper_cased(self):
        assert SkuCode(" shirt-m.blue_1 ").value == "SHIRT-M.BLUE_1"

    @pytest.mark.parametrize("bad", ["", "-A", "A B", "A/B", "X" * 65, 12])
    def test_a_sku_code_refuses_other_characters(self, bad):
        with pytest.raises(InvalidSkuCode) as refused:
            SkuCode(bad)
        assert refused.value.field == "code"

    def test_attributes_keep_their_order_and_name_the_sku(self):
        attributes = Attributes.of({" size ": "M", "colour": " light  blue"})
        assert attributes.as_dict() == {"size": "M", "colour": "light blue"}
        assert str(attributes) == "size M, colour light blue"

    @pytest.mark.parametrize(
        "bad",
        [["size"], {"": "M"}, {"size": 3}, {"si\x00ze": "M"}, {f"k{n}": "v" for n in range(21)}],
    )
    def test_attributes_are_a_small_map_of_text(self, bad):
        with pytest.raises(InvalidAttributes):
            Attributes.of(bad)

    @pytest.mark.parametrize("bad", ["-0.01", "1000000000"])
    def test_a_price_is_zero_or_more_and_bounded(self, bad):
        with pytest.raises(InvalidPrice) as refused:
            a_sku(price=bad)
        assert refused.value.field == "price"


class TestCategory:
    def test_a_category_moves_under_another(self):
        shirts, clothing = CategoryId.new(), CategoryId.new()
        category = Category(id=shirts, slug=Slug("shirts"), name=Name("Shirts"))
        category.move_under(clothing, parent_lineage=[clothing])
        assert category.parent_id == clothing

    def test_a_category_never_goes_under_itself_or_a_descendant(self):
        category = Category(id=CategoryId.new(), slug=Slug("shirts"), name=Name("Shirts"))
        child = CategoryId.new()
        with pytest.raises(CategoryLoop):
            category.move_under(category.id, parent_lineage=[category.id])
        with pytest.raises(CategoryLoop):
            category.move_under(child, parent_lineage=[child, category.id])
        assert category.parent_id is None


class TestProduct:
    def test_a_draft_announces_each_of_its_skus(self):
        product = Product.draft(
            id=ProductId.new(),
            slug=Slug("linen-shirt"),
            name=Name("Linen shirt"),
            description=Description(),
            category_id=CategoryId.new(),
            skus=[a_sku("SHIRT-M"), a_sku("SHIRT-L")],
        )
        product.mark_saved()
        recorded = product.collect_events()

        assert [r.event for r in recorded] == [
            SkuCreated(sku="SHIRT-M", product_id=product.id),
            SkuCreated(sku="SHIRT-L", product_id=product.id),
        ]
        assert [r.sequence for r in recorded] == [1, 2]
        assert not product.is_published

    def test_two_skus_with_one_code_are_refused(self):
        product = a_product(a_sku("SHIRT-M"))
        with pytest.raises(SkuCodeTaken):
            product.add_sku(a_sku("shirt-m"))
        assert raised(product) == []

    def test_a_product_is_published_only_with_a_sku_priced_above_zero(self):
        product = a_product(a_sku(price="0"))
        with pytest.raises(NothingToSell):
            product.publish()
        with pytest.raises(NothingToSell):
            a_product().publish()
        assert not product.is_published

    def test_publishing_announces_the_product_with_its_sku_codes(self):
        product = a_product(a_sku("SHIRT-M"), a_sku("SHIRT-L", price="0"))
        product.publish()
        product.publish()
        assert raised(product) == [
            ProductPublished(product_id=product.id, slug="linen-shirt", skus=("SHIRT-M", "SHIRT-L"))
        ]

    def test_unpublishing_announces_it_once(self):
        product = a_product(a_sku("SHIRT-M"))
        product.unpublish()
        assert raised(product) == []
        product.publish()
        product.unpublish()
        product.unpublish()
        assert raised(product)[1:] == [
            ProductUnpublished(product_id=product.id, slug="linen-shirt", skus=("SHIRT-M",))
        ]
        assert not product.is_published

    def test_a_price_change_announces_old_and_new_price(self):
        product = a_product(a_sku("SHIRT-M", price="19.90", size="M"))
        product.change_sku(SkuCode("shirt-m"), price=eur("24.50"))
        product.change_sku(SkuCode("SHIRT-M"), attributes=Attributes.of({"size": "Medium"}))

        assert raised(product) == [
            PriceChanged(sku="SHIRT-M", old_price=eur("19.90"), new_price=eur("24.50"))
        ]
        changed = product.sku(SkuCode("SHIRT-M"))
        assert (changed.attributes.as_dict(), changed.price) == ({"size": "Medium"}, eur("24.50"))

    def test_a_published_product_keeps_something_to_sell(self):
        product = a_product(a_sku("SHIRT-M"), a_sku("SHIRT-L", price="5"))
        product.publish()
        product.change_sku(SkuCode("SHIRT-M"), price=eur("0"))
        with pytest.raises(NothingToSell):
            product.change_sku(SkuCode("SHIRT-L"), price=eur("0"))
        assert product.sku(SkuCode("SHIRT-L")).price == eur("5")

    def test_an_unknown_sku_cannot_change(self):
        with pytest.raises(SkuNotFound):
            a_product(a_sku("SHIRT-M")).change_sku(SkuCode("SHIRT-XL"), price=eur("1"))

    def test_an_edit_changes_only_what_is_given(self):
        product = a_product()
        category = CategoryId.new()
        product.edit(name=Name("Linen shirt, long"), category_id=category)
        assert (product.name.value, product.description.value, product.category_id) == (
            "Linen shirt, long",
            "Cool in summer.",
            category,
        )
        product.edit(description=Description(""))
        assert product.description.value == ""
