import { registry } from "@web/core/registry";
import { namesWholeOnCards } from "@siao_justice/../tests/tours/utils/card_checks";

registry.category("web_tour.tours").add("siao_justice_board_tour", {
    steps: () => [
        {
            content: "Every release horizon is a column, even an empty one",
            trigger: ".o_kanban_group .o_column_title:contains('Plus de 6 mois')",
        },
        namesWholeOnCards,
        {
            content: "The person released within a month is in the first column",
            trigger:
                ".o_kanban_group:contains(\"Moins d'un mois\") .o_kanban_record:contains('TOURNEUR Lucas')",
            run: "click",
        },
        {
            content: "The person's file opens",
            trigger: ".o_form_view .o_field_widget[name='last_name'] input",
        },
        {
            content: "The dry-exit risk is shown on the file",
            trigger: ".o_form_view .ribbon:contains('Sans solution')",
        },
    ],
});
