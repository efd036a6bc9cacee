"""Danish dates: "9. februar 2027", weekdays in lower case as Danish writes them."""

DATE_FORMAT = "j. F Y"  # 9. februar 2027
DATETIME_FORMAT = "j. F Y H:i"  # 9. februar 2027 10:00
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j. F"  # 9. februar
YEAR_MONTH_FORMAT = "F Y"  # februar 2027
SHORT_DATE_FORMAT = "d.m.Y"  # 09.02.2027
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

# Brobyg's own names (see config/formats/__init__.py).
WEEKDAY_DATE_FORMAT = "l j. F Y"  # tirsdag 9. februar 2027
WEEKDAY_MONTH_DAY_FORMAT = "l j. F"  # tirsdag 9. februar
LONG_DATETIME_FORMAT = r"l \d\e\n j. F Y \k\l. H:i"  # tirsdag den 9. februar 2027 kl. 10:00
