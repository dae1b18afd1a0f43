import { registry } from "@web/core/registry";

function decide(person, decision) {
    return [
        {
            content: `Open the card menu of ${person}`,
            trigger: `.o_kanban_record:contains('${person}')`,
            run: `hover && click .o_kanban_record:contains('${person}') .o_dropdown_kanban .dropdown-toggle`,
        },
        {
            content: `Decide for ${person} from the card`,
            trigger: `.o-dropdown--menu .o_siao_decide_${decision}`,
            run: "click",
        },
    ];
}

const { DateTime } = luxon;

function inDays(days) {
    return DateTime.now().plus({ days }).toFormat("dd/MM/yyyy");
}

registry.category("web_tour.tours").add("siao_justice_commission_tour", {
    steps: () => [
        {
            content: "Open this month's commission",
            trigger: ".o_data_row:contains('Salle du tour') .o_data_cell",
            run: "click",
        },
        {
            content: "Generate its agenda",
            trigger: ".o_form_view button[name='action_generate_agenda']",
            run: "click",
        },
        {
            content: "The persons whose release is near are on the agenda",
            trigger: ".o_form_view .o_field_widget[name='line_ids'] .o_data_row:contains('KELLER Sophie')",
        },
        {
            content: "Decisions are taken in session: start it",
            trigger: ".o_form_view button[name='action_start']",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name='action_close']",
        },
        {
            content: "Open the board of the next commission",
            trigger: "[data-menu-xmlid='siao_justice.siao_commission_menu']",
            run: "click",
        },
        {
            trigger: "[data-menu-xmlid='siao_justice.siao_commission_next_menu']",
            run: "click",
        },
        {
            content: "The case is on the board, in its horizon column",
            trigger:
                ".o_kanban_group:contains(\"Moins d'un mois\") .o_kanban_record:contains('TOURNEUR Lucas')",
        },
        ...decide("TOURNEUR Lucas", "postpone"),
        {
            content: "The decision shows on the card",
            trigger:
                ".o_kanban_record:contains('TOURNEUR Lucas') .o_field_widget[name='decision']:contains('Report')",
        },
        {
            content: "By when, at once on the card (no reload)",
            trigger:
                ".o_kanban_record:contains('TOURNEUR Lucas') .o_siao_due_date:contains('20')",
        },
        ...decide("KELLER Sophie", "reserve_place"),
        {
            trigger:
                ".o_kanban_record:contains('KELLER Sophie') .o_field_widget[name='decision']:contains('place')",
        },
        {
            content: "Open the case to say which place, and from when",
            trigger: ".o_kanban_record:contains('KELLER Sophie')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='place_id'] input",
            run: "edit Studio du tour",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Studio du tour')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='reservation_date_from'] input",
            run: `edit ${inDays(45)}`,
        },
        {
            trigger: ".o_form_view .o_field_widget[name='reservation_date_to'] input",
            run: `edit ${inDays(120)}`,
        },
        {
            content: "Save the case",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Back to the board",
            trigger: ".o_breadcrumb .breadcrumb-item:not(.active) a",
            run: "click",
        },
        {
            trigger: ".o_kanban_record:contains('WEBER Yanis')",
        },
        ...decide("WEBER Yanis", "maintain"),
        {
            trigger:
                ".o_kanban_record:contains('WEBER Yanis') .o_field_widget[name='decision']:contains('Maintien')",
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
            content: "Open this month's commission again",
            trigger: ".o_data_row:contains('Salle du tour') .o_data_cell",
            run: "click",
        },
        {
            content: "Close the commission",
            trigger: ".o_form_view button[name='action_close']",
            run: "click",
        },
        {
            content: "The commission is closed and its minutes open as a PDF",
            trigger: ".o_form_view button[name='action_open_minutes']:contains('Compte-rendu')",
        },
    ],
});
