import { registry } from "@web/core/registry";

/** A worker opens their next office hours in prison, prepares the list, meets the
 * persons and closes the session. */
registry.category("web_tour.tours").add("siao_justice_permanence_tour", {
    steps: () => [
        {
            content: "My next office hours",
            trigger: ".o_list_view .o_data_row td[name='prison_id']:contains('Maison d')",
            run: "click",
        },
        {
            content: "Prepare the list of the persons to see",
            trigger: ".o_form_view button[name='action_prepare_list']",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='line_ids'] .o_data_row:contains('TOURNEUR'):contains('Sortie dans le délai')",
        },
        {
            content: "Met: a SIAO request is opened",
            trigger: ".o_form_view .o_field_widget[name='line_ids'] .o_data_row:contains('TOURNEUR') td[name='outcome']",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='line_ids'] .o_data_row.o_selected_row td[name='outcome'] select",
            run: "selectByLabel Rencontrée, demande SIAO ouverte",
        },
        {
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='line_ids'] .o_data_row:contains('TOURNEUR') td[name='request_id']:contains('DS')",
        },
        {
            content: "Close the office hours",
            trigger: ".o_form_view button[name='action_done']",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Tenue')",
        },
    ],
});
