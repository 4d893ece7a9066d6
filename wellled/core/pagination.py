"""The API's pages: `?page=` and `?page_size=`, so a client can ask for fewer or more
rows than the default, up to a ceiling that keeps one response bounded."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination

DEFAULT_PAGE_SIZE = 100
# Asking for more than this gets this many: a page stays one bounded query.
MAX_PAGE_SIZE = 500


class Pagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
