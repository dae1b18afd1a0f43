import { registry } from "@web/core/registry";

const { DateTime } = luxon;

registry.category("web_tour.tours").add("siao_justice_avdl_tour", {
    steps: () => [
        {
            content: "Refer a person to the AVDL Justice worker",
            trigger: ".o_kanban_view .o-kanban-button-new",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='detainee_id'] input",
            run: "edit Tourneur",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('TOURNEUR Lucas')",
            run: "click",
        },
        {
            content: "Save: the measure enters the worker's active file",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "The person moves in today",
            trigger: ".o_form_view button[name='action_enter_housing']",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='housing_entry_date'] input",
            run: `edit ${DateTime.now().toFormat("dd/MM/yyyy")} && click .o_form_view .oe_title`,
        },
        {
            content: "Record the entry into housing",
            trigger: ".o_form_view button[name='action_enter_housing']",
            run: "click",
        },
        {
            content: "The measure is active: renew it",
            trigger: ".o_form_view button[name='action_open_renew_wizard']",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit Le bail glissant n'est pas encore signé : accompagnement prolongé.",
        },
        {
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The renewal is in the measure's history",
            trigger: ".o_form_view .o_field_widget[name='renewal_ids'] .o_data_row:contains('bail glissant')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='renewal_count']:contains('1')",
        },
        {
            content: "The person keeps their housing: close the measure",
            trigger: ".o_form_view button[name='action_open_close_wizard']",
            run: "click",
        },
        {
            content: "Objectives met, housing kept",
            trigger: ".modal .o_field_widget[name='closing_reason'] select",
            run: "select \"housing_kept\"",
        },
        {
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The measure is closed",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Clôturée')",
        },
    ],
});
