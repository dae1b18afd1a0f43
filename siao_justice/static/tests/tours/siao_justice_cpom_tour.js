import { registry } from "@web/core/registry";

/** Open a report of the Reporting menu: no header of its pivot reads "Aucun". */
function openReport(menu, title) {
    return [
        {
            trigger: "[data-menu-xmlid='siao_justice.siao_reporting_menu']",
            run: "click",
        },
        {
            trigger: `[data-menu-xmlid='siao_justice.${menu}']`,
            run: "click",
        },
        {
            trigger: `.o_breadcrumb:contains("${title}")`,
        },
        {
            content: "Every group of the figures is named",
            trigger: ".o_pivot_view .o_pivot .o_pivot_header_cell_closed",
            run() {
                const headers = [...document.querySelectorAll(".o_pivot th")].map((th) =>
                    th.textContent.trim()
                );
                if (headers.includes("Aucun")) {
                    throw new Error(`${title}: a group reads "Aucun": ${headers.join(" | ")}`);
                }
            },
        },
    ];
}

registry.category("web_tour.tours").add("siao_justice_cpom_tour", {
    steps: () => [
        ...openReport("siao_report_measure_menu", "Mesures AVDL"),
        ...openReport("siao_report_refusal_menu", "Refus par besoin"),
        ...openReport("siao_report_commission_menu", "Situations examinées en commission"),
        ...openReport("siao_report_release_menu", "Sorties"),
        {
            content: "The anonymised figures of the releases",
            trigger: ".o_pivot_view .o_pivot",
        },
        {
            content: "Open the CPOM workbook",
            trigger: "[data-menu-xmlid='siao_justice.siao_reporting_menu']",
            run: "click",
        },
        {
            trigger: "[data-menu-xmlid='siao_justice.siao_cpom_report_menu']",
            run: "click",
        },
        {
            content: "The period is last year, for the user's companies",
            trigger: ".modal .o_field_widget[name='company_ids'] .o_tag",
        },
        {
            content: "Download the workbook",
            trigger: ".modal button[name='action_export']",
            run: "click",
        },
        {
            content: "The workbook was built",
            trigger: "body:not(:has(.o_blockUI))",
        },
        {
            trigger: ".modal .modal-footer button:contains('Fermer')",
            run: "click",
        },
        {
            content: "Back on the figures",
            trigger: "body:not(:has(.modal)) .o_pivot_view .o_pivot",
        },
    ],
});
