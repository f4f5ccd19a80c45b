"""Lists at a million rows: a paginator that stops counting past a cap and fetches a deep page
by its ids first, and admin filters without DISTINCT over every column."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most `cap` + 1 rows (an index-only LIMIT), so a page costs the same at 1M.

    A deep page is fetched in two steps: its ids first (an index-only scan skips the rows before
    it without reading them), then its rows by id; page 500 costs about what page 1 does.
    """

    cap = 10_000
    capped = False
    deep_from = 200  # rows to skip from which the two-step fetch pays

    def __init__(self, *args, cap: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap = cap or self.cap

    @cached_property
    def count(self) -> int:
        # Which rows are counted does not matter, so no ORDER BY: any cap + 1 rows will do.
        found = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = found > self.cap
        return min(found, self.cap)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < self.deep_from or not hasattr(self.object_list, "values_list"):
            return super().page(number)
        top = min(bottom + self.per_page, self.count)
        ids = list(self.object_list.prefetch_related(None).values_list("pk", flat=True)[bottom:top])
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)
