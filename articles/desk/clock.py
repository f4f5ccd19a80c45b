"""Times as the desk reads them in notices: Beijing time, the date only when it is not today."""

from django.utils import timezone


def desk_clock(moment) -> str:
    """`21:05` today (Asia/Shanghai), `11月20日 21:05` on another day."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return f"{local:%H:%M}"
    return f"{local.month}月{local.day}日 {local:%H:%M}"
