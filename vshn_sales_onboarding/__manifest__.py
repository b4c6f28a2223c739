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
        "hr",
    ],
    "data": [
        "security/res_groups.xml",
        "security/ir.model.access.csv",
        "security/ir_rules.xml",
        "data/crm_stage_data.xml",
        "data/vshn_onboarding_segment_data.xml",
        "data/mail_activity_type_data.xml",
        "views/crm_lead_views.xml",
        "views/res_partner_views.xml",
        "views/vshn_onboarding_segment_views.xml",
        "views/res_config_settings_views.xml",
        "wizard/vshn_onboarding_gate_bypass_views.xml",
        "wizard/crm_lead_escalate_views.xml",
        "views/vshn_sales_onboarding_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "vshn_sales_onboarding/static/tests/tours/*.js",
        ],
    },
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
    "demo": [
        "demo/res_users_demo.xml",
        "demo/product_demo.xml",
        "demo/res_partner_demo.xml",
        "demo/crm_lead_demo.xml",
    ],
}
