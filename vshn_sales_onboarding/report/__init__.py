from . import vshn_profitability_report
from . import vshn_pipeline_report
