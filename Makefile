# siao_justice — thin entry points; the work is in scripts/.
.PHONY: run test lint stop clean-odoo i18n readme bench

run:  ## serve Odoo with siao_justice and its demo data on http://localhost:8069
	@scripts/run.sh

test:  ## lint, wheel install check, the whole suite on a fresh database
	@scripts/test.sh

lint:  ## ruff, pylint-odoo, OCA's module and .po checks, README up to date (OCA 18.0 settings)
	@scripts/lint.sh

stop:  ## stop a private PostgreSQL cluster left running
	@scripts/stop.sh

clean-odoo:  ## forget the cached Odoo installation (it is rebuilt from ODOO_SRC)
	rm -rf "$${SIAO_CACHE_DIR:-$${XDG_CACHE_HOME:-$$HOME/.cache}/siao_justice}" .venv

bench:  ## benchmark at SCALE persons (default 1000): make bench SCALE=100000
	@SCALE=$(SCALE) scripts/bench.sh

i18n:  ## export the terms to the .pot and merge them into fr.po
	@scripts/update_translations.sh

readme:  ## regenerate siao_justice/README.rst and static/description/index.html from readme/
	@scripts/readme.sh
