"""Django's admin finds `articles.admin`: the desk's admin classes live in `desk/admin.py`, the
print-page import's in `printpage/admin.py`."""

from articles.desk import admin as desk_admin  # noqa: F401
from articles.printpage import admin as printpage_admin  # noqa: F401
