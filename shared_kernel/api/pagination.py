"""Every list is cursor-paginated (ARCHITECTURE.md §5): stable under inserts, no page count."""

from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    """`?cursor=`, `?page_size=` (20 by default, at most 100); `{next, previous, results}`.

    Views whose model has no `created_at` set `ordering` on a subclass or on the view.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-created_at"
