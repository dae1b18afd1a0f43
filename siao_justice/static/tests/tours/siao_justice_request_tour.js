import { registry } from "@web/core/registry";

const { DateTime } = luxon;
const inDays = (days) => DateTime.now().plus({ days }).toFormat("dd/MM/yyyy");

registry.category("web_tour.tours").add("siao_justice_request_tour", {
    steps: () => [
        {
            content: "Add a person from the board",
            trigger: ".o_kanban_view .o-kanban-button-new",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='last_name'] input",
            run: "edit Tourneur",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='first_name'] input",
            run: "edit Lucas",
        },
        {
            content: "The person's prison",
            trigger: ".o_form_view .o_field_widget[name='prison_id'] input",
            run: "edit Centre pénitentiaire de Mulhouse-Lutterbach",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(\"Centre pénitentiaire de Mulhouse-Lutterbach\")",
            run: "click",
        },
        {
            content: "Release in about ten weeks",
            trigger: ".o_form_view .o_field_widget[name='expected_release_date'] input",
            run: `edit ${inDays(70)} && click .o_form_view .oe_title`,
        },
        {
            content: "The person consents to share information",
            trigger: ".o_form_view .o_field_widget[name='consent_date'] input",
            run: `edit ${inDays(0)} && click .o_form_view .oe_title`,
        },
        {
            content: "File a SIAO request (the person is saved first)",
            trigger: ".o_form_view button[name='action_new_request']",
            run: "click",
        },
        {
            content: "The request is for this person, in their prison",
            trigger: ".o_form_view .o_field_widget[name='prison_id']:contains(\"Centre pénitentiaire de Mulhouse-Lutterbach\")",
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
