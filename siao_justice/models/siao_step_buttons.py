"""The header buttons of a model with steps, offered from the model's own list."""

from odoo import api, models


class SiaoStepButtons(models.AbstractModel):
    """A model whose form walks steps (a request, a measure, a meeting) says once,
    in ``_step_buttons``, from which states each button of its header is offered;
    the form's view is given those conditions, so that no view writes them again."""

    _name = "siao.step.buttons"
    _description = "SIAO Justice steps of a form"

    def _step_buttons(self):
        """{a button of the form's header: the states it is offered from}."""
        return {}

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        arch, view = super()._get_view(view_id, view_type, **options)
        if view_type == "form":
            for button, states in self._step_buttons().items():
                for node in arch.xpath(f"//header/button[@name='{button}']"):
                    node.set("invisible", f"state not in {list(states)!r}")
        return arch, view
