"""The query facade other contexts call (`contexts.catalog.contracts.catalog_facade`)."""

import pytest

from contexts.catalog.contracts import SkuSummary, catalog_facade
from tests.catalog.conftest import eur

pytestmark = pytest.mark.django_db


@pytest.fixture
def products(make_product):
    shirt = make_product("linen-shirt", prices=("19.90", "21"), name="Linen shirt")
    draft = make_product("draft-hat", prices=("5",), publish=False, name="Draft hat")
    return shirt, draft


def test_a_sku_is_named_by_its_product_and_attributes(products):
    shirt, _ = products

    assert catalog_facade().sku("LINEN-SHIRT-1") == SkuSummary(
        code="LINEN-SHIRT-1",
        product_id=shirt.id,
        name="Linen shirt (size 1)",
        price=eur("21.00"),
        published=True,
    )


def test_several_skus_in_one_query_keyed_as_asked(products, django_assert_num_queries):
    _, draft = products
    with django_assert_num_queries(1):
        found = catalog_facade().skus(["linen-shirt-0", "DRAFT-HAT-0", "NOPE", "not a code"])

    assert set(found) == {"linen-shirt-0", "DRAFT-HAT-0"}
    assert found["linen-shirt-0"].code == "LINEN-SHIRT-0"
    assert (found["DRAFT-HAT-0"].product_id, found["DRAFT-HAT-0"].published) == (draft.id, False)


def test_an_unknown_sku_is_none_and_codes_are_listed_sorted(products):
    assert catalog_facade().sku("NOPE") is None
    assert catalog_facade().sku_codes() == ["DRAFT-HAT-0", "LINEN-SHIRT-0", "LINEN-SHIRT-1"]
