"""The CPOM workbook, an XLSX report (OCA's report_xlsx) printed for a wizard's
period and companies: a summary of the indicators with their definitions, one
anonymised sheet per subject streamed from the report views, the contingents, the
office hours, the refusals by need, the releases by establishment and way out
(the State's yearly figures) and the charts."""

from datetime import date, timedelta

from odoo import _, fields, models
from odoo.tools import SQL

from ..models.siao_rules import SMALL_COUNT


class CpomWorkbook(models.AbstractModel):
    _name = "report.siao_justice.cpom_workbook"
    _inherit = "report.report_xlsx.abstract"
    _description = "CPOM workbook"

    def get_workbook_options(self):
        # Rows are written as they come: memory stays flat whatever the year.
        return {"constant_memory": True}

    def _get_objs_for_report(self, docids, data):
        return self.env["siao.cpom.report.wizard"].browse(docids)

    def generate_xlsx_report(self, workbook, data, wizards):
        """One workbook for one wizard, read as its user (a wizard is its
        creator's only)."""
        wizard = wizards.ensure_one()
        wizard.check_access("read")
        period = (wizard.date_from, wizard.date_to, wizard.company_ids.ids)
        formats = {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "header": workbook.add_format(
                {"bold": True, "bg_color": "#D9E1F2", "border": 1}
            ),
            "percent": workbook.add_format({"num_format": "0.0%"}),
            "number": workbook.add_format({"num_format": "0.0"}),
            "date": workbook.add_format({"num_format": "dd/mm/yyyy"}),
            "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        }
        self._write_summary(workbook, formats, *period)
        for sheet_name, model, columns in self._subject_sheets():
            self._write_subject(workbook, formats, sheet_name, model, columns, *period)
        self._write_contingents(workbook, formats, *period)
        self._write_permanences(workbook, formats, *period)
        self._write_refusals_by_need(workbook, formats, *period)
        self._write_refusals_by_person(workbook, formats, *period)
        self._write_releases_by_establishment(workbook, formats, *period)
        self._write_charts(workbook, formats, *period)

    def _write_summary(self, workbook, formats, date_from, date_to, companies):
        indicators = self.env["siao.cpom.indicators"].compute(
            date_from, date_to, companies
        )
        sheet = workbook.add_worksheet(_("Summary"))
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, 1, 42)
        sheet.set_column(2, 4, 14)
        sheet.set_column(5, 5, 90)
        sheet.write(
            0,
            0,
            _(
                "CPOM indicators from %(start)s to %(end)s",
                start=date_from.strftime("%d/%m/%Y"),
                end=date_to.strftime("%d/%m/%Y"),
            ),
            formats["title"],
        )
        headers = [
            _("Stable code"),
            _("Indicator"),
            _("Value"),
            _("Numerator"),
            _("Denominator"),
            _("Definition"),
        ]
        for column, header in enumerate(headers):
            sheet.write(2, column, header, formats["header"])
        for row, indicator in enumerate(indicators, start=3):
            value_format = (
                formats["percent"] if indicator["is_rate"] else formats["number"]
            )
            sheet.write_string(row, 0, indicator["code"])
            sheet.write_string(row, 1, indicator["label"])
            for column, key in ((2, "value"), (3, "numerator"), (4, "denominator")):
                if indicator[key] is not None:
                    sheet.write_number(
                        row,
                        column,
                        indicator[key],
                        value_format if key == "value" else None,
                    )
            sheet.write_string(row, 5, indicator["definition"])
        sheet.autofilter(2, 0, 2 + len(indicators), len(headers) - 1)

    def _subject_sheets(self):
        common = ["gender", "age_band", "prison_type", "legal_status"]
        return [
            (
                _("Measures"),
                "siao.report.measure",
                common
                + [
                    "referral_date",
                    "housing_entry_date",
                    "closing_date",
                    "state",
                    "closing_reason",
                    "housing_type",
                    "exit_destination",
                    "renewal_count",
                    "length_days",
                ],
            ),
            (
                _("Requests"),
                "siao.report.request",
                common
                + [
                    "request_date",
                    "request_kind",
                    "state",
                    "orientation",
                    "filed_in_time",
                    "refusal_by",
                    "refusal_reason",
                    "days_to_orientation",
                    "days_to_admission",
                ],
            ),
            (
                _("Releases"),
                "siao.report.release",
                common
                + [
                    "release_date",
                    "release_outcome",
                    "outcome_is_solution",
                    "dry_exit_reason",
                    "first_night",
                    "first_night_held_place",
                ],
            ),
            (
                _("Commission"),
                "siao.report.commission",
                common + ["meeting_date", "release_horizon", "decision"],
            ),
        ]

    def _date_field(self, model):
        return {
            "siao.report.measure": "referral_date",
            "siao.report.request": "request_date",
            "siao.report.release": "release_date",
            "siao.report.commission": "meeting_date",
        }[model]

    def _write_subject(
        self,
        workbook,
        formats,
        sheet_name,
        model,
        columns,
        date_from,
        date_to,
        companies,
    ):
        Model = self.env[model]
        sheet = workbook.add_worksheet(sheet_name)
        fields_info = Model.fields_get(columns, ["string", "type", "selection"])
        for column, name in enumerate(columns):
            sheet.write(0, column, fields_info[name]["string"], formats["header"])
            sheet.set_column(column, column, 16)
        date_field = self._date_field(model)
        domain = [
            ("company_id", "in", companies),
            (date_field, ">=", date_from),
            (date_field, "<=", date_to),
        ]
        # The rows are streamed from the view (record rules applied by _search):
        # memory stays flat whatever the size of the year.
        Model.check_access("read")
        query = Model._search(domain, order=f"{date_field}, id")
        cr = self.env.cr
        cr.execute(query.select(*(SQL.identifier(Model._table, c) for c in columns)))
        writers = list(
            enumerate(
                self._cell_writer(sheet, fields_info[name], formats) for name in columns
            )
        )
        row = 0
        while rows := cr.fetchmany(5000):
            for values in rows:
                row += 1
                for column, write in writers:
                    write(row, column, values[column])
        sheet.autofilter(0, 0, max(row, 1), len(columns) - 1)

    @staticmethod
    def _write_table(sheet, formats, headers, rows, row_formats=None):
        """A header row and its rows (None: an empty cell)."""
        for column, header in enumerate(headers):
            sheet.write(0, column, header, formats["header"])
            sheet.set_column(column, column, 18)
        for row, values in enumerate(rows, start=1):
            for column, value in enumerate(values):
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(row, column, value)
                else:
                    cell_format = (row_formats or {}).get(column)
                    sheet.write_number(row, column, value, cell_format)
        sheet.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)

    def _releases_by_establishment(self, date_from, date_to, companies):
        """The State's yearly figures: per establishment, the releases of the
        period by way out, those to a place to live and the dry exits, counted
        by PostgreSQL over the releases' report view (its record rules applied).
        No row tells of few persons: the establishments with fewer than
        ``SMALL_COUNT`` releases are counted together, with the smallest of the
        others until that row holds ``SMALL_COUNT`` releases of two
        establishments at least; a row that cannot is left out. Returns (ways,
        rows), each row (establishment, total, {way: count}, with a solution,
        dry exits)."""
        Release = self.env["siao.report.release"]
        Release.check_access("read")
        query = Release._search(
            [
                ("company_id", "in", companies),
                ("release_date", ">=", date_from),
                ("release_date", "<=", date_to),
            ]
        )
        table = SQL.identifier(query.table)
        self.env.cr.execute(
            SQL(
                """SELECT sub.establishment_key, sub.release_way, count(*),
                          count(*) FILTER (WHERE sub.outcome_is_solution),
                          count(*) FILTER (WHERE sub.release_outcome = 'dry_exit')
                     FROM (%s) AS sub
                 GROUP BY sub.establishment_key, sub.release_way""",
                query.select(
                    SQL("%s.establishment_key", table),
                    SQL("%s.release_way", table),
                    SQL("%s.outcome_is_solution", table),
                    SQL("%s.release_outcome", table),
                ),
            )
        )
        ways = [code for code, _label in Release._fields["release_way"].selection]
        counts = {}
        for key, way, total, solutions, dry in self.env.cr.fetchall():
            row = counts.setdefault(key, {"ways": dict.fromkeys(ways, 0), "n": 0})
            row["ways"][way] = total
            row["n"] += total
            row["solutions"] = row.get("solutions", 0) + solutions
            row["dry"] = row.get("dry", 0) + dry
        named = sorted(
            (key for key in counts if key and counts[key]["n"] >= SMALL_COUNT),
            key=lambda key: counts[key]["n"],
        )
        others = [key for key in counts if key not in named]

        def total(keys):
            return sum(counts[key]["n"] for key in keys)

        while others and (total(others) < SMALL_COUNT or len(others) < 2) and named:
            others.append(named.pop(0))
        names = {
            partner.id: partner.name
            for partner in self.env["res.partner"].sudo().browse(named)
        }
        groups = [(names[key], [key]) for key in sorted(named, key=names.get)]
        if others and total(others) >= SMALL_COUNT and len(others) >= 2:
            groups.append(
                (
                    _(
                        "Other establishments (fewer than %(count)s releases each)",
                        count=SMALL_COUNT,
                    ),
                    others,
                )
            )
        return ways, [
            (
                name,
                total(keys),
                {way: sum(counts[k]["ways"][way] for k in keys) for way in ways},
                sum(counts[k]["solutions"] for k in keys),
                sum(counts[k]["dry"] for k in keys),
            )
            for name, keys in groups
        ]

    def _write_releases_by_establishment(
        self, workbook, formats, date_from, date_to, companies
    ):
        ways, rows = self._releases_by_establishment(date_from, date_to, companies)
        labels = dict(
            self.env["siao.report.release"]
            ._fields["release_way"]
            ._description_selection(self.env)
        )
        self._write_table(
            workbook.add_worksheet(_("Releases by establishment")),
            formats,
            [_("Establishment"), _("Releases")]
            + [labels[way] for way in ways]
            + [_("To a place to live"), _("Dry exits")],
            [
                [name, total, *(by_way[way] for way in ways), solutions, dry]
                for name, total, by_way, solutions, dry in rows
            ],
        )

    def _write_contingents(self, workbook, formats, date_from, date_to, companies):
        """Per contingent in force: places, days open and occupied, occupancy,
        stays ended and their mean length (the indicators' own figures)."""
        Indicators = self.env["siao.cpom.indicators"]
        conventions = Indicators._contingents_in_force(date_from, date_to, companies)
        figures = conventions._contingent_figures(date_from, date_to)
        rows = []
        for convention in conventions:
            row = figures[convention.id]
            rows.append(
                [
                    convention.name,
                    convention.partner_id.name or "",
                    row["places_agreed"],
                    row["places_identified"],
                    row["open_days"],
                    row["occupied_days"],
                    row["occupancy_rate"],
                    row["stays_ended"],
                    row["mean_stay_days"],
                ]
            )
        self._write_table(
            workbook.add_worksheet(_("Contingents")),
            formats,
            [
                _("Convention"),
                _("Structure"),
                _("Places agreed"),
                _("Places identified"),
                _("Days open"),
                _("Days occupied"),
                _("Occupancy rate"),
                _("Stays ended"),
                _("Mean stay (days)"),
            ],
            rows,
            {6: formats["percent"], 8: formats["number"]},
        )

    def _write_permanences(self, workbook, formats, date_from, date_to, companies):
        """Per office hours held: the establishment, the persons listed and what
        came of each meeting (counts, no person)."""
        sessions = self.env["siao.cpom.indicators"]._held_permanences(
            date_from, date_to, companies
        )
        Line = self.env["siao.permanence.line"].sudo()
        outcomes = [key for key, _label in Line._fields["outcome"].selection]
        counts = {
            (session.id, outcome): count
            for session, outcome, count in Line._read_group(
                [("permanence_id", "in", sessions.ids)],
                ["permanence_id", "outcome"],
                ["__count"],
            )
        }
        labels = dict(Line._fields["outcome"]._description_selection(self.env))
        rows = [
            [
                fields.Datetime.context_timestamp(self, session.date).strftime(
                    "%d/%m/%Y"
                ),
                session.prison_id.name or "",
                sum(counts.get((session.id, o), 0) for o in [*outcomes, False]),
                *(counts.get((session.id, o), 0) for o in outcomes),
            ]
            for session in sessions.sorted("date")
        ]
        self._write_table(
            workbook.add_worksheet(_("Office hours in prison")),
            formats,
            [_("Date"), _("Establishment"), _("Persons listed")]
            + [labels[o] for o in outcomes],
            rows,
        )

    def _write_refusals_by_need(self, workbook, formats, date_from, date_to, companies):
        """Refusals by structures in the period: one row per reason, one column per
        need the persons had that day (counted by whole months), and the refusals
        in all."""
        Refusal = self.env["siao.report.refusal"]
        domain = [
            ("company_id", "in", companies),
            ("date", ">=", date_from),
            ("date", "<=", date_to),
        ]
        by_need = {
            (reason, tag): count
            for reason, tag, count in Refusal._read_group(
                [
                    ("company_id", "in", companies),
                    ("month", ">=", date_from.replace(day=1)),
                    ("month", "<=", date_to),
                ],
                ["refusal_reason", "need_tag_id"],
                ["refusal_count:sum"],
            )
        }
        totals = dict(
            self.env["siao.report.request.step"]._read_group(
                domain + [("event", "=", "refuse"), ("refusal_by", "=", "structure")],
                ["refusal_reason"],
                ["__count"],
            )
        )
        tags = sorted({tag for _reason, tag in by_need if tag}, key=lambda t: t.name)
        labels = dict(
            Refusal._fields["refusal_reason"]._description_selection(self.env)
        )
        rows = [
            [
                labels.get(reason, reason or ""),
                totals.get(reason, 0),
                *(by_need.get((reason, tag), 0) for tag in tags),
                by_need.get((reason, self.env["siao.need.tag"]), 0),
            ]
            for reason in sorted(totals, key=lambda r: labels.get(r, r or ""))
        ]
        self._write_table(
            workbook.add_worksheet(_("Refusals by need")),
            formats,
            [_("Reason of the refusal"), _("Refusals by structures")]
            + [tag.name for tag in tags]
            + [_("No need recorded")],
            rows,
        )

    def _write_refusals_by_person(
        self, workbook, formats, date_from, date_to, companies
    ):
        """Refusals by the persons themselves in the period, by the reason they
        gave: what the persons do not want (a figure the CPOM asks to explain)."""
        Step = self.env["siao.report.request.step"]
        groups = Step._read_group(
            [
                ("company_id", "in", companies),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
                ("event", "=", "refuse"),
                ("refusal_by", "=", "person"),
            ],
            ["refusal_reason"],
            ["__count"],
        )
        labels = dict(Step._fields["refusal_reason"]._description_selection(self.env))
        rows = sorted(
            (
                [labels.get(reason, reason or _("Not recorded")), count]
                for reason, count in groups
            ),
            key=lambda row: (-row[1], row[0]),
        )
        self._write_table(
            workbook.add_worksheet(_("Refusals by the person")),
            formats,
            [_("Reason the person gave"), _("Refusals by the person")],
            rows,
        )

    @staticmethod
    def _cell_writer(sheet, info, formats):
        """How the cells of one column are written, chosen once per column."""
        kind = info["type"]
        if kind == "boolean":

            def write(row, column, value):
                sheet.write_boolean(row, column, bool(value))

        elif kind == "selection":
            labels = dict(info["selection"])

            def write(row, column, value):
                if value is not None:
                    sheet.write_string(row, column, labels.get(value, value))

        elif kind == "date":
            date_format = formats["date"]

            def write(row, column, value):
                if value is not None:
                    sheet.write_datetime(row, column, value, date_format)

        elif kind in ("integer", "float"):

            def write(row, column, value):
                if value is not None:
                    sheet.write_number(row, column, value)

        else:

            def write(row, column, value):
                if value is not None:
                    sheet.write_string(row, column, str(value))

        return write

    def _monthly(self, date_from, date_to, companies):
        """Per month: releases with and without a solution, and the active file."""
        months = []
        day = date_from.replace(day=1)
        while day <= date_to:
            months.append(day)
            day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        Indicators = self.env["siao.cpom.indicators"]
        counts = {
            (month, to_solution): count
            for month, to_solution, count in self.env[
                "siao.report.release"
            ]._read_group(
                [
                    ("company_id", "in", companies),
                    ("release_date", ">=", date_from),
                    ("release_date", "<=", date_to),
                ],
                ["release_date:month", "outcome_is_solution"],
                ["__count"],
            )
        }
        last_days = [
            min(
                date(start.year + start.month // 12, start.month % 12 + 1, 1)
                - timedelta(days=1),
                date_to,
            )
            for start in months
        ]
        active = Indicators._active_file_on_days(last_days, companies)
        return [
            (
                start.strftime("%m/%Y"),
                counts.get((start, True), 0),
                counts.get((start, False), 0),
                active[last],
            )
            for start, last in zip(months, last_days, strict=True)
        ]

    def _write_charts(self, workbook, formats, date_from, date_to, companies):
        name = _("Charts")
        sheet = workbook.add_worksheet(name)
        headers = [
            _("Month"),
            _("Releases with a solution"),
            _("Dry exits or unknown"),
            _("Active file"),
        ]
        for column, header in enumerate(headers):
            sheet.write(0, column, header, formats["header"])
        rows = self._monthly(date_from, date_to, companies)
        for row, values in enumerate(rows, start=1):
            sheet.write_string(row, 0, values[0])
            for column in (1, 2, 3):
                sheet.write_number(row, column, values[column])
        last = max(len(rows), 1)
        releases = workbook.add_chart({"type": "column", "subtype": "stacked"})
        for column in (1, 2):
            releases.add_series(
                {
                    "name": [name, 0, column],
                    "categories": [name, 1, 0, last, 0],
                    "values": [name, 1, column, last, column],
                }
            )
        releases.set_title({"name": _("Monthly releases with and without a solution")})
        sheet.insert_chart(1, 6, releases)
        active = workbook.add_chart({"type": "line"})
        active.add_series(
            {
                "name": [name, 0, 3],
                "categories": [name, 1, 0, last, 0],
                "values": [name, 1, 3, last, 3],
            }
        )
        active.set_title({"name": _("AVDL active file over the months")})
        sheet.insert_chart(17, 6, active)
        # Exits by destination, below the monthly table.
        base = last + 3
        sheet.write(base, 0, _("Exit destination"), formats["header"])
        sheet.write(base, 1, _("Measures closed"), formats["header"])
        groups = self.env["siao.report.measure"]._read_group(
            [
                ("company_id", "in", companies),
                ("state", "=", "closed"),
                ("closing_date", ">=", date_from),
                ("closing_date", "<=", date_to),
            ],
            ["exit_destination"],
            ["__count"],
        )
        labels = dict(
            self.env["siao.report.measure"]
            ._fields["exit_destination"]
            ._description_selection(self.env)
        )
        for offset, (destination, count) in enumerate(groups, start=1):
            sheet.write_string(
                base + offset, 0, labels.get(destination, destination or "")
            )
            sheet.write_number(base + offset, 1, count)
        exits = workbook.add_chart({"type": "pie"})
        exits.add_series(
            {
                "name": _("Exits by destination"),
                "categories": [name, base + 1, 0, base + max(len(groups), 1), 0],
                "values": [name, base + 1, 1, base + max(len(groups), 1), 1],
            }
        )
        exits.set_title({"name": _("Exits by destination")})
        sheet.insert_chart(33, 6, exits)
