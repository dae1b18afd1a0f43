import { registry } from "@web/core/registry";

/**
 * A worker records a release on parole (LC): the file goes under court
 * supervision until the day the court set, on the board of the persons
 * supervised outside prison; when it ends, the follow-up goes on.
 */
registry.category("web_tour.tours").add("siao_justice_supervision_tour", {
    steps: () => {
        const end = new Date();
        end.setMonth(end.getMonth() + 8);
        return [
            {
                content: "Record the release",
                trigger: ".o_form_view button[name='action_open_release_wizard']",
                run: "click",
            },
            {
                content: "The day the supervision ends",
                trigger: ".modal .o_field_widget[name='supervision_end_date'] input",
                run: `edit ${end.toLocaleDateString("fr-FR")}`,
            },
            {
                content: "The person goes to a flat",
                trigger: ".modal .o_field_widget[name='outcome'] select",
                run: 'select "housing"',
            },
            {
                content: "Confirm the release",
                trigger: ".modal button[name='action_confirm']",
                run: "click",
            },
            {
                content: "The file is under court supervision",
                trigger: ".o_statusbar_status .o_arrow_button_current:contains('Suivi en milieu ouvert')",
            },
            {
                content: "The board of the persons supervised outside prison",
                trigger: ".o_main_navbar [data-menu-xmlid='siao_justice.siao_detainee_supervised_menu']",
                run: "click",
            },
            {
                content: "The person's card, under their measure, with its end",
                trigger: ".o_siao_supervised_board .o_kanban_group:contains('Libération conditionnelle (LC)') .o_kanban_record:contains('TOURLIBRE'):contains('Jusqu')",
                run: "click",
            },
            {
                content: "The supervision ended early: the follow-up goes on",
                trigger: ".o_form_view button[name='action_end_supervision']",
                run: "click",
            },
            {
                content: "Confirm",
                trigger: ".modal-footer .btn-primary",
                run: "click",
            },
            {
                content: "The file says released",
                trigger: ".o_statusbar_status .o_arrow_button_current:contains('Sorti')",
            },
        ];
    },
});
