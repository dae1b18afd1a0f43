import { registry } from "@web/core/registry";

/**
 * A worker prints the convocations of an office-hours session, then records
 * the reply slip a person sent back.
 */
registry.category("web_tour.tours").add("siao_justice_letters_tour", {
    steps: () => {
        const today = new Date().toLocaleDateString("fr-FR");
        return [
            {
                content: "The session's list is prepared",
                trigger: ".o_form_view .o_data_row:contains('TOURLETTRE')",
            },
            {
                content: "Print the convocations of the session",
                trigger: ".o_form_view button[name='action_print_convocations']",
                run: "click",
            },
            {
                content: "The letters sent wait for their reply",
                trigger: "[data-menu-xmlid='siao_justice.siao_dashboard_menu']",
                run: "click",
            },
            {
                trigger: "[data-menu-xmlid='siao_justice.siao_letter_menu']",
                run: "click",
            },
            {
                content: "The convocation of the person, sent",
                trigger: ".o_list_view .o_data_row:contains('Envoyé') .o_data_cell:contains('TOURLETTRE')",
                run: "click",
            },
            {
                content: "The reply came back: its date",
                trigger: ".o_form_view .o_field_widget[name='reply_date'] input",
                run: `edit ${today}`,
            },
            {
                content: "They agree to share with the SIAO and the SPIP",
                trigger: ".o_form_view .o_field_widget[name='reply_consent'] select",
                run: 'select "siao_spip"',
            },
            {
                content: "What they wrote they want",
                trigger: ".o_form_view .o_field_widget[name='reply_wishes'] textarea",
                run: "edit Une chambre à Colmar, près de ma sœur",
            },
            {
                content: "Record the reply in one step",
                trigger: ".o_form_view button[name='action_record_reply']",
                run: "click",
            },
            {
                content: "The reply is recorded",
                trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Réponse enregistrée')",
            },
        ];
    },
});
