"""Brobyg's date formats per language (settings.FORMAT_MODULE_PATH), in front of Django's own.

Pages and e-mails name a format (`{{ start|date:"WEEKDAY_DATE_FORMAT" }}`,
`date_format(moment, "LONG_DATETIME_FORMAT")`) instead of spelling a pattern, so that each
language writes dates its own way: Danish "tirsdag den 9. februar 2027 kl. 10:00", English
(British, as the audience is European) "Tuesday 9 February 2027, 10:00". Every named format
used must be defined for every language in settings.LANGUAGES: Django returns an unknown
name as the pattern itself. Formats not given here are Django's for the language.
"""
