from . import vshn_profitability_report
