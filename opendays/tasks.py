"""django-q2 tasks of open days: thin, ids not objects; the work is in services."""
