from . import test_crm_lead_gates
from . import test_crm_lead_pipeline
from . import test_crm_lead_tour
from . import test_gate_mixin
from . import test_groups_and_menus
