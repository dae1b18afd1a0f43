import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("siao_justice_request_tour", {
    steps: () => [
        {
            content: "Open the person from the board",
            trigger: ".o_kanban_group:contains('1 à 3 mois') .o_kanban_record:contains('TOURNEUR Lucas')",
            run: "click",
        },
        {
            content: "File a SIAO request",
            trigger: ".o_form_view button[name='action_new_request']",
            run: "click",
        },
        {
            content: "The request is for this person, in their prison",
            trigger: ".o_form_view .o_field_widget[name='prison_id']:contains('Maison d\\'arrêt de test')",
        },
        {
            content: "Submit it to the SIAO",
            trigger: ".o_form_view button[name='action_submit_button']",
            run: "click",
        },
        {
            content: "The request is submitted",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Transmise')",
        },
        {
            content: "Open the requests board",
            trigger: "a[data-menu-xmlid='siao_justice.siao_request_menu']",
            run: "click",
        },
        {
            content: "The request is in the submitted column",
            trigger: ".o_kanban_group:contains('Transmise') .o_kanban_record:contains('TOURNEUR Lucas')",
        },
    ],
});
