"""Every account route, for every role."""

# the URL rules this table covers, as Flask writes them (tests/core/test_permissions.py checks
# that every rule of the app is covered by some table)
RULES: set[str] = {
    "/account",
    "/password/forgot",
}
