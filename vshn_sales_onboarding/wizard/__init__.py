from . import crm_lead_escalate
from . import crm_lead_lost
from . import vshn_onboarding_gate_bypass
from . import mail_activity_schedule
