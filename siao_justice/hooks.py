FRENCH = "fr_FR"


def install_french(env):
    """The addon's users work in French: French is installed with the addon (the
    interface's terms of every installed module), as Settings > Languages does."""
    lang = (
        env["res.lang"].with_context(active_test=False).search([("code", "=", FRENCH)])
    )
    if lang.active:
        return
    lang.active = True
    env["ir.module.module"].search([("state", "=", "installed")])._update_translations(
        [FRENCH]
    )


def post_init_hook(env):
    install_french(env)
    env["privacy.lookup.wizard"]._siao_name_in_french()
    # The register's entries, in French too.
    env["privacy.activity"]._siao_refresh_register()
