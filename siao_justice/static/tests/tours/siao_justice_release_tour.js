import { registry } from "@web/core/registry";

// A worker records a release, then the person's return to prison (a new stay),
// then closes the follow-up: each from the file's header, through its dialog.
registry.category("web_tour.tours").add("siao_justice_release_tour", {
    steps: () => [
        {
            content: "The file of a person released soon",
            trigger: ".o_form_view .o_statusbar_status",
        },
        {
            content: "Record the release",
            trigger: ".o_form_view button[name='action_open_release_wizard']",
            run: "click",
        },
        {
            content: "The person goes to their family",
            trigger: ".modal .o_field_widget[name='outcome'] select",
            run: "select \"family\"",
        },
        {
            content: "Confirm the release",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The file says released",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Sorti')",
        },
        {
            content: "The person is back in prison: a new stay",
            trigger: ".o_form_view button[name='action_open_new_stay_wizard']",
            run: "click",
        },
        {
            content: "Its prison number",
            trigger: ".modal .o_field_widget[name='prison_number'] input",
            run: "edit 68T999",
        },
        {
            content: "Confirm the new stay",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The file is that of a detained person again",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Détenu')",
        },
        {
            content: "Close the follow-up",
            trigger: ".o_form_view button[name='action_open_close_wizard']",
            run: "click",
        },
        {
            content: "Why it closes",
            trigger: ".modal .o_field_widget[name='closing_reason'] select",
            run: "select \"moved_away\"",
        },
        {
            content: "Confirm the closing",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The follow-up is closed",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Dossier clôturé')",
        },
    ],
});
