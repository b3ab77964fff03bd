# "N" gives German's abbreviations with their full stop ("Nov.", "Sept.") and short months
# whole ("März", "Juni").
DATE_FORMAT = "j. N Y"  # 26. Nov. 2026
TIME_FORMAT = "H:i"  # 14:05
DATETIME_FORMAT = "j. N Y, H:i T"  # 26. Nov. 2026, 14:05 GMT
MONTH_DAY_FORMAT = "j. N"  # 26. Nov.
