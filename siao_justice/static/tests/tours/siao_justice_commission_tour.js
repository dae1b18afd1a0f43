import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("siao_justice_commission_tour", {
    steps: () => [
        {
            content: "Open the commission menu",
            trigger: "[data-menu-xmlid='siao_justice.siao_commission_menu']",
            run: "click",
        },
        {
            content: "Open the board of the next commission",
            trigger: "[data-menu-xmlid='siao_justice.siao_commission_next_menu']",
            run: "click",
        },
        {
            content: "The case is on the board, in its horizon column",
            trigger:
                ".o_kanban_group:contains(\"Moins d'un mois\") .o_kanban_record:contains('TOURNEUR Lucas')",
            run: "hover && click .o_kanban_record:contains('TOURNEUR Lucas') .o_dropdown_kanban .dropdown-toggle",
        },
        {
            content: "Decide from the card: postpone to the next commission",
            trigger: ".o_siao_decide_postpone",
            run: "click",
        },
        {
            content: "The decision shows on the card",
            trigger:
                ".o_kanban_record:contains('TOURNEUR Lucas') .o_field_widget[name='decision']:contains('Report')",
        },
        {
            content: "Back to the list of commissions",
            trigger: "[data-menu-xmlid='siao_justice.siao_commission_menu']",
            run: "click",
        },
        {
            trigger: "[data-menu-xmlid='siao_justice.siao_commission_meeting_menu']",
            run: "click",
        },
        {
            content: "Open this month's commission",
            trigger: ".o_data_row:contains('Salle du tour') .o_data_cell",
            run: "click",
        },
        {
            content: "Start the session",
            trigger: ".o_form_view button[name='action_start']",
            run: "click",
        },
        {
            content: "Close the commission",
            trigger: ".o_form_view button[name='action_close']",
            run: "click",
        },
        {
            content: "The commission is closed and its minutes are attached",
            trigger: ".o_form_view .o_field_widget[name='minutes_attachment_id']:contains('Compte-rendu')",
        },
    ],
});
