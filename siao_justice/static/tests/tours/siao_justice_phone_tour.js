import { registry } from "@web/core/registry";
import { namesWholeOnCards } from "@siao_justice/../tests/tours/utils/card_checks";

registry.category("web_tour.tours").add("siao_justice_phone_tour", {
    steps: () => [
        {
            content: "On a phone the board opens on a column with cases, not on the empty past one",
            trigger: ".o_kanban_record:contains('TOURNEUR Lucas')",
        },
        namesWholeOnCards,
        {
            content: "The first column shown holds cases: no empty 'release passed' column",
            trigger: ".o_kanban_renderer:not(:has(.o_column_title:contains('Sortie passée')))",
        },
        {
            content: "Open the file from its card",
            trigger: ".o_kanban_record:contains('TOURNEUR Lucas')",
            run: "click",
        },
        {
            content: "The file opens, its risk shown in full",
            trigger: ".o_form_view .ribbon:contains('Sans solution')",
        },
        {
            content: "The resources to reopen are readable on a phone",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Continuité des droits')",
            run: "click",
        },
        {
            content: "One card per right on a phone, its label in full",
            trigger: ".o_form_view .o_field_widget[name='resource_right_ids'] .o_kanban_record .text-wrap",
        },
    ],
});
