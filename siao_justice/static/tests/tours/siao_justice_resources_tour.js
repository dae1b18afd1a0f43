import { registry } from "@web/core/registry";

// A worker marks a right of the resources checklist as prepared, from the file.
registry.category("web_tour.tours").add("siao_justice_resources_tour", {
    steps: () => [
        {
            content: "Open the resources to reopen before release",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Continuité des droits')",
            run: "click",
        },
        {
            content: "Edit the first right's status",
            trigger: ".o_field_widget[name='resource_right_ids'] .o_data_row:first .o_data_cell[name='status']",
            run: "click",
        },
        {
            content: "Its file is prepared",
            trigger: ".o_field_widget[name='resource_right_ids'] .o_selected_row .o_field_widget[name='status'] select",
            run: "select \"prepared\"",
        },
        {
            content: "Save the file",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved: the right, no longer edited, says so",
            trigger: ".o_field_widget[name='resource_right_ids'] .o_data_row:first:not(.o_selected_row) .o_data_cell[name='status']:contains('Dossier préparé')",
        },
        {
            content: "The next right is still to do",
            trigger: ".o_field_widget[name='resource_right_ids'] .o_data_row:eq(1) .o_data_cell[name='status']:contains('À faire')",
        },
    ],
});
