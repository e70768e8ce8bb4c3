"""Normalization of AMOUNT, RATE and PERIOD spans (corpus/GUIDE.md section 4)."""
from .amounts import Amount, normalize_amount
from .numerals import drop_spaces, fold_width, parse_number
from .periods import Period, normalize_period
from .rates import Rate, direction_before, normalize_rate

__all__ = ["Amount", "Period", "Rate", "direction_before", "drop_spaces", "fold_width", "normalize_amount",
           "normalize_period", "normalize_rate", "parse_number"]
