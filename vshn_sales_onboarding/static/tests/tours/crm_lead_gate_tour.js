/** @odoo-module **/
// A salesperson takes a deal from Contact & Qualify to Offer and meets a gate.
import {registry} from "@web/core/registry";

function stageButton(name) {
    return `.o_statusbar_status button:contains("${name}")`;
}

function currentStage(name) {
    return `.o_statusbar_status button.o_arrow_button_current:contains("${name}")`;
}

registry.category("web_tour.tours").add("vshn_crm_lead_gate_tour", {
    steps: () => [
        {
            content: "The deal sits in Contact & Qualify",
            trigger: currentStage("Contact & Qualify"),
        },
        {
            content: "Try to move it to the Solution Architecture Meeting",
            trigger: stageButton("Solution Architecture Meeting"),
            run: "click",
        },
        {
            content: "The gate says what is missing",
            trigger: ".modal .modal-body:contains('is there an opportunity for both sides')",
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Open the qualification",
            trigger: ".o_notebook .nav-link:contains('Qualification')",
            run: "click",
        },
        {
            content: "Answer yes: there is an opportunity for both sides",
            trigger: "div[name='qualification_opportunity'] .o_radio_item:contains('Yes') input",
            run: "click",
        },
        {
            // the refused move stays in the form, unsaved, until the gate opens
            content: "Save: now the deal may enter the Solution Architecture Meeting",
            trigger: ".o_form_button_save:enabled",
            run: "click",
        },
        {
            trigger: ".o_form_saved " + currentStage("Solution Architecture Meeting"),
        },
        {
            content: "Move on to Solution Design",
            trigger: stageButton("Solution Design / Feasibility"),
            run: "click",
        },
        {
            trigger: currentStage("Solution Design / Feasibility"),
        },
        {
            content: "Move on to the Offer",
            trigger: stageButton("Offer"),
            run: "click",
        },
        {
            content: "The deal reached the Offer",
            trigger: ".o_form_saved " + currentStage("Offer"),
        },
        {
            content: "Back to the pipeline",
            trigger: ".o_breadcrumb .breadcrumb-item:not(.active) a",
            run: "click",
        },
        {
            content: "The card stands in the Offer column",
            trigger: ".o_kanban_group:contains('Offer') .o_kanban_record:contains('Managed Kubernetes')",
        },
    ],
});
