"""Path converters with bounded digits: an over-long number is a 404, not a database error."""


class YearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


class TwoDigitConverter:
    regex = "[0-9]{1,2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


class IdConverter:
    regex = "[0-9]{1,18}"  # fits a 64-bit integer column on every database

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)
