"""Lists at a million rows: a paginator that stops counting past a cap and fetches a deep page
by its ids first (the admin's), one that counts only a few pages past the page asked for in the
same scan that finds the page (the readers'), and admin filters without DISTINCT over every
column."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
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


class WindowPaginator(CappedPaginator):
    """The readers' lists: a page is found, and the list counted, in one index-only scan of its
    ids that stops `pages_ahead` pages past the page asked for; then its rows by id. Page 1
    reads 221 ids, not the 10,001 a full capped count would; page 500 no more than the two
    steps did before. Past the window the list says 共 N 页以上.

    `?page=last` (num_pages before page()) still counts up to the cap, as CappedPaginator does,
    and no page starts past the cap (page 501 of twenty), as before.
    """

    pages_ahead = 10

    def page(self, number):
        if "count" in self.__dict__ or self.orphans or not hasattr(self.object_list, "values_list"):
            return super().page(number)
        number = self.validate_number_format(number)
        bottom = (number - 1) * self.per_page
        if bottom >= self.cap:  # past what the capped count would ever let a list reach
            raise EmptyPage(self.error_messages["no_results"])
        window = self.per_page * (self.pages_ahead + 1)
        ids = list(
            self.object_list.prefetch_related(None).values_list("pk", flat=True)[
                bottom : bottom + window + 1
            ]
        )
        # What the scan saw: the rows up to the window's end or the list's (no ids past the
        # first page: the page is past the end, whatever the rest), never past the cap.
        seen = bottom + min(len(ids), window)
        self.capped = len(ids) > window or seen > self.cap
        self.__dict__["count"] = min(seen, self.cap)
        number = self.validate_number(number)
        return self._get_page(self.object_list.filter(pk__in=ids[: self.per_page]), number, self)

    def validate_number_format(self, number) -> int:
        """The page number as an int, before anything is counted (Paginator's checks)."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number
