"""SQL for the lists, the dashboard and the lookups, in SQLAlchemy Core.

`keyset` holds what every list shares (keyset paging, text search, counts); `lists` each
list's conditions and pages; `dashboard` the statutory clocks and figures; `lookups` the
questions forms, checks and returns ask by id or relation.
"""
