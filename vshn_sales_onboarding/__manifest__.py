# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "VSHN Sales Onboarding",
    "summary": "From first contact to an onboarded, correctly invoiced, "
    "profitable customer: gated sales stages, onboarding board, profitability",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/vshn/vshn_sales_onboarding",
    "author": "VSHN AG",
    "maintainers": ["vshn"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": True,
    "depends": [
        "sale_crm",
        "sale_management",
        "sale_project",
        "sale_timesheet",
    ],
    "data": [
        "security/res_groups.xml",
        "security/ir.model.access.csv",
        "views/vshn_sales_onboarding_menus.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",
        "demo/crm_lead_demo.xml",
    ],
}
