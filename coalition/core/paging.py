"""Long lists shown a page at a time: the page asked for in the query string, and what a page
holds. The list's reader counts its rows and reads one page with LIMIT/OFFSET, so a page costs
the same statements whatever the size of the list."""

from collections.abc import Mapping
from dataclasses import dataclass

PAGE_DIGITS = 6  # past a million pages, the number is not a page anyone was sent to


def page_number(args: Mapping[str, str]) -> int | None:
    """The `page` argument of a query string: 1 when absent or empty, None when it is not a
    page number (the caller answers 400)."""
    value = args.get("page") or "1"
    if value.isascii() and value.isdigit() and len(value) <= PAGE_DIGITS and int(value) > 0:
        return int(value)
    return None


@dataclass(frozen=True)
class Page:
    """One page of a list of `total` rows, `size` rows a page; `number` counts from 1."""

    number: int
    size: int
    total: int

    @classmethod
    def of(cls, asked: int, total: int, size: int) -> "Page":
        """The page asked for, or the last one when the list is shorter (after a filter)."""
        pages = max(1, -(-total // size))
        return cls(max(1, min(asked, pages)), size, total)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def first(self) -> int:
        """The position of the page's first row in the whole list, from 1 (0 when empty)."""
        return self.offset + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.offset + self.size, self.total)

    @property
    def is_split(self) -> bool:
        """Whether the list takes more than one page (a short list shows no pager)."""
        return self.total > self.size

    def holding(self, position: int) -> int:
        """The number of the page that holds the row at `position` (from 0) of the list."""
        return position // self.size + 1
