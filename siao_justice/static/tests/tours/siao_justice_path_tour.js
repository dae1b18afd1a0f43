import { registry } from "@web/core/registry";

// A person released months ago, back in prison and found again by the SPIP list
// import: both stays are on the file, and the worker records a transfer.
registry.category("web_tour.tours").add("siao_justice_path_tour", {
    steps: () => [
        {
            content: "The file is that of a detained person again",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Détenu')",
        },
        {
            content: "Open the person's path",
            trigger: ".o_form_view .o_notebook a:contains('Parcours')",
            run: "click",
        },
        {
            content: "The previous stay is kept, with its release",
            trigger:
                ".o_form_view .o_field_widget[name='stay_ids'] .o_data_row:contains('Maison d\\'arrêt du premier séjour'):contains('Hébergement')",
        },
        {
            content: "The new stay, found by the import, is there too",
            trigger:
                ".o_form_view .o_field_widget[name='stay_ids'] .o_data_row:contains('Centre pénitentiaire du retour'):contains('R-200')",
        },
        {
            content: "The person is moved to another prison",
            trigger: ".o_form_view button[name='action_open_transfer_wizard']",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='prison_id'] input",
            run: "edit Centre de détention du transfert",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Centre de détention du transfert')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='prison_number'] input",
            run: "edit T-300",
        },
        {
            content: "Confirm the transfer",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The current stay is now in the new prison",
            trigger:
                ".o_form_view .o_field_widget[name='stay_ids'] .o_data_row:contains('Centre de détention du transfert'):contains('T-300')",
        },
        {
            content: "Open the current stay: the transfer is in its history",
            trigger:
                ".o_form_view .o_field_widget[name='stay_ids'] .o_data_row:contains('T-300') .o_data_cell:first",
            run: "click",
        },
        {
            trigger:
                ".modal .o_field_widget[name='transfer_ids'] .o_data_row:contains('Centre pénitentiaire du retour'):contains('R-200')",
        },
    ],
});
