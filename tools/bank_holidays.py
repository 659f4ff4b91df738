"""Print crag_desktop/domain/bank_holidays.py's table from the holidays package.

.venv/bin/python tools/bank_holidays.py > crag_desktop/domain/bank_holidays.py

Run it when tests/domain/test_clock.py says the table and the package disagree (a new
special bank holiday was announced and the package learned of it).
"""

from __future__ import annotations

import holidays

FIRST_YEAR = 1990
LAST_YEAR = 2045

HEAD = '''"""England and Wales bank holidays, {first} to {last}, as the holidays package gives them.

Kept as data because importing the package and computing a year cost a seventh of a second
and 5 MB at every start (benchmarks: start to paint); years outside the table still ask the
package. tests/domain/test_clock.py holds the table to the package: when they disagree,
regenerate it with `python tools/bank_holidays.py > crag_desktop/domain/bank_holidays.py`.
"""

from __future__ import annotations

FIRST_YEAR = {first}
LAST_YEAR = {last}

#: Each line: a year, then the month and day (MMDD) of each of its bank holidays.
TABLE = """
'''


def main() -> None:
    """Print the module."""
    print(HEAD.format(first=FIRST_YEAR, last=LAST_YEAR), end="")
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        days = sorted(holidays.country_holidays("GB", subdiv="ENG", years=year))
        print(year, *(f"{d:%m%d}" for d in days))
    print('"""')


if __name__ == "__main__":
    main()
