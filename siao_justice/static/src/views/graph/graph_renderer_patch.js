import { patch } from "@web/core/utils/patch";
import { GraphRenderer } from "@web/views/graph/graph_renderer";

/**
 * The addon's graphs count persons, requests and measures: their axis steps are
 * whole numbers (Chart.js otherwise steps by 0.5 or 0.1 when the counts are low).
 */
patch(GraphRenderer.prototype, {
    getScaleOptions() {
        const scales = super.getScaleOptions(...arguments);
        const { measure, resModel } = this.model.metaData;
        if (scales.y && measure === "__count" && resModel.startsWith("siao.")) {
            scales.y.ticks = { ...scales.y.ticks, precision: 0 };
        }
        return scales;
    },
});
