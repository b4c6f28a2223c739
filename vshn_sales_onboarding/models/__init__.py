from . import vshn_onboarding_gate_mixin
from . import vshn_onboarding_segment
from . import crm_stage
from . import crm_lead
from . import res_company
from . import res_config_settings
from . import res_partner
from . import sale_order
