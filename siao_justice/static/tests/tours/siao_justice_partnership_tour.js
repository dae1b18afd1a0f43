import { registry } from "@web/core/registry";

const { DateTime } = luxon;

/** A coordinator records a convention with a host structure, then opens the
 * département at a glance. */
registry.category("web_tour.tours").add("siao_justice_partnership_tour", {
    steps: () => [
        {
            content: "The conventions: record a new one",
            trigger: ".o_list_view .o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='name'] input",
            run: "edit Contingent CHRS du tour 2026",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='partner_id'] input",
            run: "edit CHRS du tour",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('CHRS du tour')",
            run: "click",
        },
        {
            content: "A contingent of places",
            trigger: ".o_form_view .o_field_widget[name='kind'] select",
            run: "selectByLabel Contingent de places",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='place_count'] input",
            run: "edit 2",
        },
        {
            content: "The letter to the director was sent a month ago",
            trigger: ".o_form_view .o_field_widget[name='letter_date'] input",
            run: `edit ${DateTime.now().minus({ months: 1 }).toFormat("dd/MM/yyyy")} && click .o_form_view .oe_title`,
        },
        {
            trigger: ".o_form_view .o_field_widget[name='signature_date'] input",
            run: `edit ${DateTime.now().toFormat("dd/MM/yyyy")} && click .o_form_view .oe_title`,
        },
        {
            content: "The places of the contingent",
            trigger: ".o_form_view .o_notebook a:contains('Places')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='place_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row:contains('Chambre du tour') .o_list_record_selector input",
            run: "click",
        },
        {
            trigger: ".modal .o_select_button",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='place_ids'] .o_data_row:contains('Chambre du tour')",
        },
        {
            content: "Save: the convention is signed",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Signée')",
        },
        {
            content: "The département at a glance",
            trigger: "[data-menu-xmlid='siao_justice.siao_dashboard_menu']",
            run: "click",
        },
        {
            trigger: "[data-menu-xmlid='siao_justice.siao_coordinator_board_menu']",
            run: "click",
        },
        {
            content: "Releases within a month without a solution, on the board",
            trigger: ".o-dashboard-action:contains('Sorties sous un mois sans solution') .o_data_row:contains('TOURNEUR')",
        },
        {
            content: "The contingent and its occupancy",
            trigger: ".o-dashboard-action:contains('Contingents') .o_data_row:contains('CHRS du tour')",
        },
        {
            trigger: ".o-dashboard-action:contains('Prochaines permanences') .o_data_row",
        },
        {
            trigger: ".o-dashboard-action:contains('Sorties sans solution, par horizon') canvas",
        },
        {
            content: "Every panel shows its view whole, at the panel's width",
            trigger: ".o-dashboard-action .o_list_view",
            run() {
                for (const content of document.querySelectorAll(".o-dashboard-action .o_content")) {
                    if (content.scrollWidth > content.clientWidth + 1) {
                        const title = content.closest(".o-dashboard-action").querySelector("h3").textContent;
                        throw new Error(`The panel "${title.trim()}" is cut on the right`);
                    }
                }
            },
        },
        {
            content: "The graph counts persons in whole numbers",
            trigger: ".o-dashboard-action .o_graph_renderer canvas",
            run() {
                const canvas = document.querySelector(".o-dashboard-action .o_graph_renderer canvas");
                const labels = window.Chart.getChart(canvas).scales.y.ticks.map((tick) => tick.label);
                if (!labels.length || labels.some((label) => !/^\d[\d\s\u202f\u00a0]*$/.test(label))) {
                    throw new Error(`The axis does not read whole numbers: ${labels.join(" | ")}`);
                }
            },
        },
    ],
});
