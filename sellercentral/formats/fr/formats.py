# "N" (Django's "abbrev. month" catalogue) keeps June and July apart ("juin", "juil."),
# where the three-letter "b" writes both as "jui".
DATE_FORMAT = "j N Y"  # 26 nov. 2026
TIME_FORMAT = "H:i"  # 14:05
DATETIME_FORMAT = "j N Y, H:i T"  # 26 nov. 2026, 14:05 GMT
MONTH_DAY_FORMAT = "j N"  # 26 nov.
