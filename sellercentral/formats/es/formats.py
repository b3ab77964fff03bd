# "b": Spanish writes months in lower case ("nov", "ene"); Django's "N" mixes "Ene." and "marzo".
DATE_FORMAT = "j b Y"  # 26 nov 2026
TIME_FORMAT = "H:i"  # 14:05
DATETIME_FORMAT = "j b Y, H:i T"  # 26 nov 2026, 14:05 GMT
MONTH_DAY_FORMAT = "j b"  # 26 nov
