"""The category tree products are filed in."""

from collections.abc import Collection

from contexts.catalog.domain.errors import CategoryLoop
from contexts.catalog.domain.values import Name, Slug
from shared_kernel.domain.aggregate import AggregateRoot
from shared_kernel.domain.ids import EntityId


class CategoryId(EntityId):
    pass


class Category(AggregateRoot):
    """A node of the tree: a unique slug, a name, and a parent (none at the top).

    Its rule: a category is never under itself, however deep (no loops in the tree).
    """

    def __init__(
        self,
        *,
        id: CategoryId,
        slug: Slug,
        name: Name,
        parent_id: CategoryId | None = None,
        version: int = 0,
    ) -> None:
        super().__init__(version=version)
        self.id = id
        self.slug = slug
        self._name = name
        self._parent_id = parent_id

    @property
    def name(self) -> Name:
        return self._name

    @property
    def parent_id(self) -> CategoryId | None:
        return self._parent_id

    def rename(self, name: Name) -> None:
        self._name = name

    def move_under(
        self, parent_id: CategoryId | None, *, parent_lineage: Collection[CategoryId]
    ) -> None:
        """Place it under `parent_id` (None: at the top). `parent_lineage` is the new
        parent with every ancestor of it: this category must not be among them."""
        if parent_id is not None and (parent_id == self.id or self.id in parent_lineage):
            raise CategoryLoop()
        self._parent_id = parent_id
