import { registry } from "@web/core/registry";

// A coordinator merges a file with its duplicate from the banner of the file.
registry.category("web_tour.tours").add("siao_justice_merge_tour", {
    steps: () => [
        {
            content: "The banner shows the possible duplicate",
            trigger: ".o_form_view .alert[name='duplicates'] .o_data_row:contains('DOUBLON')",
        },
        {
            content: "The banner lists the duplicates and no empty row",
            trigger: ".o_form_view .alert[name='duplicates'] .o_data_row",
            run() {
                const rows = [...document.querySelectorAll(".alert[name='duplicates'] tbody tr")];
                const shown = rows.filter((row) => row.offsetParent !== null);
                if (shown.some((row) => !row.classList.contains("o_data_row"))) {
                    throw new Error(`${shown.length} rows shown for the duplicates`);
                }
            },
        },
        {
            content: "Merge these files",
            trigger: ".o_form_view button[name='action_open_merge_wizard']",
            run: "click",
        },
        {
            content: "Both files are in the merge",
            trigger: ".modal .o_field_widget[name='detainee_ids'] .o_data_row:eq(1)",
        },
        {
            content: "Merge into the file kept",
            trigger: ".modal button[name='action_merge']",
            run: "click",
        },
        {
            content: "Confirm: the other file is archived",
            trigger: ".modal-footer .btn-primary:contains('Ok')",
            run: "click",
        },
        {
            content: "The file kept, without the banner",
            trigger: ".o_form_view:not(:has(.alert[name='duplicates'])) .o_field_widget[name='name']:contains('DOUBLON')",
        },
    ],
});
