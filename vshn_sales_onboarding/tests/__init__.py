from . import test_crm_lead_gates
from . import test_crm_lead_pipeline
from . import test_gate_mixin
from . import test_groups_and_menus
from . import test_conversion
from . import test_onboarding
from . import test_onboarding_security
from . import test_onboarding_tour
