# One style per page: day, abbreviated month, year; times in 24 hours with the zone's name,
# because sellers in five countries read times set by one clock.
DATE_FORMAT = "j M Y"  # 26 Nov 2026
TIME_FORMAT = "H:i"  # 14:05
DATETIME_FORMAT = "j M Y, H:i T"  # 26 Nov 2026, 14:05 GMT
MONTH_DAY_FORMAT = "j M"  # 26 Nov (chart axes)
