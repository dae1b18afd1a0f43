import { registry } from "@web/core/registry";

function openDashboard(menu, title) {
    return [
        {
            content: "Open the dashboards menu",
            trigger: "[data-menu-xmlid='siao_justice.siao_dashboard_menu']",
            run: "click",
        },
        {
            content: `Open ${title}`,
            trigger: `[data-menu-xmlid='siao_justice.${menu}']`,
            run: "click",
        },
        {
            trigger: `.o_breadcrumb:contains("${title}")`,
        },
    ];
}

/** The counts on the graph's axis go by whole numbers. */
const wholeSteps = {
    content: "The axis counts persons in whole numbers",
    trigger: ".o_graph_view .o_graph_renderer canvas",
    run() {
        const canvas = document.querySelector(".o_graph_view .o_graph_renderer canvas");
        const ticks = window.Chart.getChart(canvas).scales.y.ticks;
        if (!ticks.length || ticks.some((tick) => !Number.isInteger(tick.value))) {
            throw new Error(`The axis steps are not whole numbers: ${ticks.map((t) => t.value)}`);
        }
        if (ticks.some((tick) => /[,.]/.test(tick.label))) {
            throw new Error(`The axis reads decimals: ${ticks.map((t) => t.label).join(" | ")}`);
        }
    },
};

registry.category("web_tour.tours").add("siao_justice_dashboard_tour", {
    steps: () => [
        {
            content: "The coordinator's home: releases without a solution, by horizon",
            trigger: ".o_graph_view .o_graph_renderer canvas",
        },
        wholeSteps,
        ...openDashboard("siao_dashboard_lsc_menu", "Échéances de LSC de plein droit"),
        { trigger: ".o_list_view" },
        ...openDashboard("siao_dashboard_request_menu", "Demandes en attente depuis le plus longtemps"),
        { trigger: ".o_list_view .o_data_row" },
        ...openDashboard("siao_dashboard_avdl_menu", "Files actives par travailleur social"),
        { trigger: ".o_breadcrumb:contains('plafond : ')" },
        wholeSteps,
        ...openDashboard("siao_dashboard_place_menu", "Places libres"),
        { trigger: ".o_list_view .o_data_row" },
        ...openDashboard("siao_dashboard_my_cases_menu", "Mes dossiers"),
        { trigger: ".o_kanban_view" },
        ...openDashboard("siao_dashboard_my_activities_menu", "Mes activités"),
        { trigger: ".o_list_view" },
        ...openDashboard("siao_dashboard_release_menu", "Sorties sans solution"),
        { trigger: ".o_graph_view .o_graph_renderer canvas" },
    ],
});
