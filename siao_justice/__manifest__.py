{
    "name": "SIAO Justice",
    "summary": "Prepare the release of people in prison towards shelter or housing "
    "(SIAO, SPIP, AVDL Justice): no sortie sèche",
    "version": "18.0.1.0.0",
    "category": "Services/SIAO",
    "website": "https://github.com/siao-justice/siao_justice",
    "author": "SIAO Justice contributors",
    "maintainers": ["siao-justice"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "application": True,
    "installable": True,
    "depends": ["mail"],
    "external_dependencies": {"python": ["python-stdnum"]},
    "data": [
        "security/siao_justice_security.xml",
        "security/ir.model.access.csv",
        "security/siao_justice_rules.xml",
        "data/ir_cron_data.xml",
        "views/res_partner_views.xml",
        "views/siao_detainee_views.xml",
        "views/res_config_settings_views.xml",
        "views/siao_justice_menus.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",
        "demo/res_users_demo.xml",
        "demo/siao_detainee_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "siao_justice/static/tests/tours/**/*",
        ],
    },
}
