"""The returns centre's pages: ``buyer`` (Returns Support Centre), ``seller`` (Manage
Returns and claims) and ``settings`` (return addresses, Returns Settings)."""

RETURNS_PER_PAGE = 20
