"""placeholder"""

RULES: set[str] = set()
