"""Qt item models over the list services: rows come from SQL a page at a time."""
