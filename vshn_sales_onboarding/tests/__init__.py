from . import test_groups_and_menus
