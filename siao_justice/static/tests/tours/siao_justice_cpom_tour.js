import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("siao_justice_cpom_tour", {
    steps: () => [
        {
            content: "The anonymised figures of the releases",
            trigger: ".o_pivot_view .o_pivot",
        },
        {
            content: "Open the CPOM workbook",
            trigger: "[data-menu-xmlid='siao_justice.siao_reporting_menu']",
            run: "click",
        },
        {
            trigger: "[data-menu-xmlid='siao_justice.siao_cpom_report_menu']",
            run: "click",
        },
        {
            content: "The period is last year, for the user's companies",
            trigger: ".modal .o_field_widget[name='company_ids'] .o_tag",
        },
        {
            content: "Download the workbook",
            trigger: ".modal button[name='action_export']",
            run: "click",
        },
        {
            content: "The workbook was built",
            trigger: "body:not(:has(.o_blockUI))",
        },
        {
            trigger: ".modal .modal-footer button:contains('Fermer')",
            run: "click",
        },
        {
            content: "Back on the figures",
            trigger: "body:not(:has(.modal)) .o_pivot_view .o_pivot",
        },
    ],
});
