import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { PivotModel } from "@web/views/pivot/pivot_model";

/**
 * In the addon's figures an empty group is a value nobody recorded (a refusal
 * with no need noted, a measure not closed yet): its header says so, rather than
 * Odoo's "None".
 */
patch(PivotModel.prototype, {
    _getEmptyGroupLabel(fieldName) {
        if (this.metaData.resModel.startsWith("siao.")) {
            return _t("Not recorded");
        }
        return super._getEmptyGroupLabel(...arguments);
    },
});
