# "en" is reached by any English variant with no module of its own (the tests' pseudo
# language en-xa among them): it writes dates as British English does, not Django's US "N j, Y".
from sellercentral.formats.en_GB.formats import DATE_FORMAT, DATETIME_FORMAT, MONTH_DAY_FORMAT, TIME_FORMAT

__all__ = ["DATETIME_FORMAT", "DATE_FORMAT", "MONTH_DAY_FORMAT", "TIME_FORMAT"]
