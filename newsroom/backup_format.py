"""The portable backup's format ("deskjson"): Django's JSON fixtures, but times keep their
microseconds (Django's JSON encoder cuts them to milliseconds), so that a restored desk holds
exactly the times it was saved with."""

import datetime

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder


class PreciseEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        self.options.setdefault("cls", PreciseEncoder)
        super()._init_options()


Deserializer = django_json.Deserializer
