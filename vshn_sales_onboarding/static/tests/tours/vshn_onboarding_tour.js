/** @odoo-module **/
// Copyright 2026 VSHN AG
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("vshn_onboarding_tour", {
    url: "/odoo/onboardings",
    steps: () => [
        {
            content: "The board shows the onboarding in Review",
            trigger:
                ".o_kanban_group:has(.o_column_title:contains(Review)) .o_kanban_record:contains(Tour Customer AG)",
        },
        {
            content: "Open the onboarding from the board",
            trigger: ".o_kanban_record:contains(Tour Customer AG)",
            run: "click",
        },
        {
            content: "Open the Definition of Done",
            trigger: ".o_notebook .nav-link:contains(Definition of Done)",
            run: "click",
        },
        {
            content: "Try to finish the onboarding",
            trigger: ".o_field_statusbar button[data-value]:contains(Done)",
            run: "click",
        },
        {
            content: "The gate stops the move and names what is missing",
            trigger: ".modal:contains(Definition of Done)",
        },
        {
            content: "Close the error",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Discard the refused move",
            trigger: ".o_form_button_cancel",
            run: "click",
        },
        {
            content: "Still in Review",
            trigger: ".o_field_statusbar button.o_arrow_button_current:contains(Review)",
        },
        {
            content: "Tick the first open item",
            trigger:
                ".o_field_widget[name=dod_line_ids] tr:contains(how we work) button[name=action_mark_done]",
            run: "click",
        },
        {
            content: "Tick the second open item",
            trigger:
                ".o_field_widget[name=dod_line_ids] tr:contains(whom to contact) button[name=action_mark_done]",
            run: "click",
        },
        {
            content: "Tick the third open item",
            trigger:
                ".o_field_widget[name=dod_line_ids] tr:contains(self-service) button[name=action_mark_done]",
            run: "click",
        },
        {
            content: "Tick the last open item",
            trigger:
                ".o_field_widget[name=dod_line_ids] tr:contains(journey feedback) button[name=action_mark_done]",
            run: "click",
        },
        {
            content: "The Definition of Done is complete",
            trigger:
                ".o_field_widget[name=dod_line_ids]:not(:has(button[name=action_mark_done]))",
        },
        {
            content: "Finish the onboarding",
            trigger: ".o_field_statusbar button[data-value]:contains(Done)",
            run: "click",
        },
        {
            content: "The onboarding is done",
            trigger: ".o_field_statusbar button.o_arrow_button_current:contains(Done)",
        },
        {
            content: "Back to the board",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains(Onboardings)",
            run: "click",
        },
        {
            content: "The board is shown",
            trigger: ".o_kanban_view",
        },
    ],
});
