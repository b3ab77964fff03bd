"""The product's named date formats, one module per language (``FORMAT_MODULE_PATH``).

Each module names only the formats the product decided; everything else (number separators,
input formats, short dates) falls through to Django's own module for that locale.
"""
