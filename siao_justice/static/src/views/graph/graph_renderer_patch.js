import { patch } from "@web/core/utils/patch";
import { formatInteger } from "@web/views/fields/formatters";
import { GraphRenderer } from "@web/views/graph/graph_renderer";

/**
 * The addon's graphs count persons, requests and measures: their axis steps are
 * whole numbers (Chart.js otherwise steps by 0.5 or 0.1 when the counts are low)
 * and read as whole numbers ("3", not Odoo's "3,00").
 */
patch(GraphRenderer.prototype, {
    getScaleOptions() {
        const scales = super.getScaleOptions(...arguments);
        const { measure, resModel } = this.model.metaData;
        if (scales.y && measure === "__count" && resModel.startsWith("siao.")) {
            scales.y.ticks = {
                ...scales.y.ticks,
                precision: 0,
                callback: (value) => formatInteger(value),
            };
        }
        return scales;
    },
});
