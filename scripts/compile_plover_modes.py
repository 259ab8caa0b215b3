#!/usr/bin/env python3
"""Compiles processors/knowledge/plover_modes.tsv: the PLOVER mode of each CAMEO code.

Reads the PLOVER project's CAMEO-to-PLOVER conversion table (CAMEO2PLOVER-2021.txt,
PLOVER manual draft 0.8, Open Event Data Alliance, CC BY-SA 4.0) and keeps, per
code, its category-specific mode ("phone", "visit", "riot", "heavy-weapons", ...).
Every code of the table is written, those without a mode too, so that a code's own
empty mode is not replaced by its parent's.

  python3 scripts/compile_plover_modes.py ../shared/eval/plover/CAMEO2PLOVER-2021.txt \
      > processors/knowledge/plover_modes.tsv
"""
import re
import sys

HEADER = """\
# The PLOVER mode of each CAMEO code: how an event of its category was done
# (CONSULT by "phone" or "visit", PROTEST as "demo", "riot" or "hunger" strike,
# ASSAULT with "firearms" or "heavy-weapons", ...). Columns (tab-separated):
# cameo_code	mode
# A code missing here takes the mode of its closest parent; an empty mode is
# none. herald's categories (cameo.tsv) follow the PLOVER GSR's vocabulary and
# keep them where the 2021 table moves a code to another category.
# Compiled by scripts/compile_plover_modes.py from CAMEO2PLOVER-2021.txt (PLOVER
# manual draft 0.8, 17 September 2021, edited by Philip Schrodt; Open Event Data
# Alliance, github.com/openeventdata/PLOVER), licensed CC BY-SA 4.0; this table
# is shared under the same licence.
"""


def main(path):
    seen = set()
    rows = []
    for line in open(path, encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        m = re.match(r"^(\d{2,4}):\s*([A-Z]+)\s*(?:,\s*([^,]*))?", line)
        if not m or m.group(1) in seen:
            continue
        seen.add(m.group(1))
        rows.append((m.group(1), (m.group(3) or "").strip()))
    sys.stdout.write(HEADER)
    for code, mode in rows:
        sys.stdout.write(f"{code}\t{mode}\n")


if __name__ == "__main__":
    main(sys.argv[1])
