"""Print Odoo's requirements with the pins its markers choose for Python 3.12.

Odoo 18.0 pins old releases for Python 3.11 that only build from source (and
fail on a stock Debian 12). The Python 3.12 pins ship wheels that run on 3.11
too, so every marker is evaluated as if the interpreter were 3.12.

psycopg2 passes through as pinned. Odoo's official list pins `psycopg2`, which
PyPI serves for Linux as source only: pip builds it, with pg_config and libpq's
headers (libpq-dev), gcc and Python.h (python3-dev), which setup/common.sh
installs when they are missing. A tree that pins `psycopg2-binary` gets a wheel.
"""

import sys

from pip._vendor.packaging.requirements import Requirement

# python-ldap only serves auth_ldap, which this project does not use, and it
# never ships wheels: it would need libldap headers and a compiler.
SKIPPED = {"python-ldap"}
ENVIRONMENT = {"python_version": "3.12", "python_full_version": "3.12.0"}


def main(path):
    for raw in open(path, encoding="utf-8"):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        if requirement.name.lower() in SKIPPED:
            continue
        if requirement.marker and not requirement.marker.evaluate(ENVIRONMENT):
            continue
        requirement.marker = None
        print(requirement)


if __name__ == "__main__":
    main(sys.argv[1])
