"""Load test of the product under gunicorn (`make load`) and the web figure of `make bench`."""
