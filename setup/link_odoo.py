"""Make the Odoo source importable from this virtualenv without copying it.

A `.pth` file puts the source on `sys.path` (so `import odoo` works and edits
to the source need no reinstall), and a minimal `odoo-18.0.dist-info` tells
pip that `odoo==18.0` is installed, so OCA `odoo-addon-*` wheels resolve their
requirement. The source tree itself is never written to.
"""

import pathlib
import sys
import sysconfig

source = pathlib.Path(sys.argv[1]).resolve()
site_packages = pathlib.Path(sysconfig.get_paths()["purelib"])
(site_packages / "odoo-source.pth").write_text(f"{source}\n", encoding="utf-8")
dist_info = site_packages / "odoo-18.0.dist-info"
dist_info.mkdir(exist_ok=True)
(dist_info / "METADATA").write_text(
    "Metadata-Version: 2.1\nName: odoo\nVersion: 18.0\n"
    f"Summary: Odoo 18.0 from {source}\n",
    encoding="utf-8",
)
(dist_info / "INSTALLER").write_text("vshn-setup\n", encoding="utf-8")
(dist_info / "RECORD").write_text(
    "odoo-source.pth,,\nodoo-18.0.dist-info/METADATA,,\n"
    "odoo-18.0.dist-info/INSTALLER,,\nodoo-18.0.dist-info/RECORD,,\n",
    encoding="utf-8",
)
