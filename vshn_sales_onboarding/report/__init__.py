from . import vshn_profitability_report
from . import vshn_pipeline_report
from . import vshn_onboarding_report_mixin
from . import vshn_onboarding_time_report
from . import vshn_onboarding_timeline_report
