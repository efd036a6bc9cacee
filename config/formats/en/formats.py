"""English dates the British way (day before month, no ordinal dot, 24-hour clock), since the
audience is European: Django's "en" formats are American ("Feb. 9, 2027, 10 a.m.")."""

DATE_FORMAT = "j F Y"  # 9 February 2027
DATETIME_FORMAT = "j F Y, H:i"  # 9 February 2027, 10:00
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"  # 9 February
YEAR_MONTH_FORMAT = "F Y"  # February 2027
SHORT_DATE_FORMAT = "d/m/Y"  # 09/02/2027
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

# Typed dates are read day before month, as shown. ISO comes first: a date input without a
# format of its own (<input type="date">) shows its value in the first form, and reads only ISO.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"]

# Brobyg's own names (see config/formats/__init__.py).
WEEKDAY_DATE_FORMAT = "l j F Y"  # Tuesday 9 February 2027
WEEKDAY_MONTH_DAY_FORMAT = "l j F"  # Tuesday 9 February
LONG_DATETIME_FORMAT = "l j F Y, H:i"  # Tuesday 9 February 2027, 10:00
