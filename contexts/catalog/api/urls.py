"""Catalog's routes under `/api/v1/catalog/` (no trailing slashes, ARCHITECTURE.md §5)."""

from django.urls import URLPattern, path

from contexts.catalog.api import views

urlpatterns: list[URLPattern] = [
    path("categories", views.CategoriesView.as_view(), name="catalog-categories"),
    path("products", views.ProductsView.as_view(), name="catalog-products"),
    path("products/<str:slug>", views.ProductView.as_view(), name="catalog-product"),
    path("products/<str:slug>/skus", views.ProductSkusView.as_view(), name="catalog-product-skus"),
    path(
        "products/<str:slug>/publish", views.PublishView.as_view(), name="catalog-product-publish"
    ),
    path(
        "products/<str:slug>/unpublish",
        views.UnpublishView.as_view(),
        name="catalog-product-unpublish",
    ),
    path("skus/<str:code>", views.SkuView.as_view(), name="catalog-sku"),
]
