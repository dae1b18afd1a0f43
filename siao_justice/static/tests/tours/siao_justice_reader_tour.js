import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("siao_justice_reader_tour", {
    steps: () => [
        {
            content: "The SPIP reader opens on the persons board, not on Discuss",
            trigger: ".o_kanban_view .o_kanban_record:contains('PARTAGÉ Pierre')",
        },
        {
            content: "No places board for a reader",
            trigger:
                ".o_main_navbar:not(:has([data-menu-xmlid='siao_justice.siao_housing_place_board_menu']))",
        },
        {
            content: "Open the file the consent shares with the SPIP",
            trigger: ".o_kanban_record:contains('PARTAGÉ Pierre')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o-mail-Chatter",
        },
        {
            content: "A reader is not offered to schedule activities",
            trigger: ".o_form_view .o-mail-Chatter:not(:has(.o-mail-Chatter-activity))",
        },
    ],
});
