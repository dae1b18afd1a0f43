"""The CPOM indicators: each defined once, here, over the anonymised report views
(the pivot views show the same rows)."""

import statistics

from odoo import _, api, models
from odoo.tools import SQL

from ..models.res_company import DEFAULT_TIMEZONE
from ..models.siao_request import ANSWERING_STATES
from ..models.siao_rules import HELD_PLACE_TYPES, company_on_sql


class SiaoCpomIndicators(models.AbstractModel):
    _name = "siao.cpom.indicators"
    _description = "CPOM indicators"

    @api.model
    def compute(self, date_from, date_to, company_ids):
        """Every indicator, as dicts with code, label, definition, value, numerator,
        denominator and is_rate (a share, shown as a percentage: the indicators
        built by _rate, and those only), in the order of the summary sheet: by
        subject, each subject's indicators defined, with their label, definition
        and value, in one place."""
        self = self.with_context(active_test=False)
        allowed = set(company_ids) & set(self.env.user.company_ids.ids or company_ids)
        period = (date_from, date_to, sorted(allowed))
        return [
            indicator
            for subject in (
                self._persons_indicators,
                self._measure_indicators,
                self._release_indicators,
                self._request_indicators,
                self._hearing_indicators,
                self._letter_indicators,
                self._commission_indicators,
                self._supervision_indicators,
                self._place_indicators,
                self._permanence_indicators,
                self._contingent_indicators,
            )
            for indicator in subject(*period)
        ]

    @staticmethod
    def _indicator(code, label, definition, figure):
        return {
            "code": code,
            "label": label,
            "definition": definition,
            "is_rate": False,
            **figure,
        }

    @staticmethod
    def _count(value):
        return {"value": value, "numerator": value, "denominator": None}

    @staticmethod
    def _rate(numerator, denominator):
        return {
            "value": numerator / denominator if denominator else None,
            "numerator": numerator,
            "denominator": denominator,
            "is_rate": True,
        }

    @staticmethod
    def _mean(total, count):
        return {
            "value": total / count if count else None,
            "numerator": total,
            "denominator": count,
        }

    def _tally(self, model, domain, groupby, aggregates=("__count",)):
        """The rows of a report view counted by PostgreSQL: [({field of ``groupby``:
        value}, count, then the other ``aggregates``)] (record rules applied), so
        that no indicator reads the rows it only counts."""
        return [
            (dict(zip(groupby, group, strict=False)), *group[len(groupby) :])
            for group in self.env[model]._read_group(domain, groupby, aggregates)
        ]

    @staticmethod
    def _counted(tally, condition=None):
        """The rows of a tally whose grouped values meet ``condition`` (all rows
        without one)."""
        return sum(
            count
            for values, count, *_others in tally
            if condition is None or condition(values)
        )

    @staticmethod
    def _dated(company_ids, field, date_from, date_to):
        return [
            ("company_id", "in", company_ids),
            (field, ">=", date_from),
            (field, "<=", date_to),
        ]

    # ---- The subjects ----
    def _persons_indicators(self, date_from, date_to, company_ids):
        in_period = [("company_id", "in", company_ids)]
        Request = self.env["siao.report.request"]
        Measure = self.env["siao.report.measure"]
        followed = self._distinct_persons(
            [
                Request._search(
                    in_period
                    + [
                        ("state", "in", ANSWERING_STATES),
                        ("request_date", "<=", date_to),
                    ]
                ),
                Measure._search(
                    in_period
                    + [
                        ("state", "!=", "cancelled"),
                        ("referral_date", "<=", date_to),
                        "|",
                        ("file_until", "=", False),
                        ("file_until", ">=", date_from),
                    ]
                ),
                self.env["siao.report.commission"]._search(
                    self._dated(company_ids, "meeting_date", date_from, date_to)
                ),
                self.env["siao.report.release"]._search(
                    self._dated(company_ids, "release_date", date_from, date_to)
                ),
            ]
        )
        return [
            self._indicator(
                "persons_followed",
                _("Persons followed"),
                _(
                    "Distinct persons with an open or admitted request, a measure, a "
                    "commission case or a release in the period."
                ),
                self._count(followed),
            ),
        ]

    def _measure_indicators(self, date_from, date_to, company_ids):
        Measure = self.env["siao.report.measure"]
        closed = Measure.search_fetch(
            self._dated(company_ids, "closing_date", date_from, date_to)
            + [("state", "=", "closed")],
            ["length_days", "housing_entry_date", "exit_destination"],
        )
        lengths = [m.length_days for m in closed if m.housing_entry_date]
        days = (date_to - date_from).days + 1
        renewals = self._renewals(date_from, date_to, company_ids)
        return [
            self._indicator(
                "avdl_measures_new",
                _("New AVDL measures"),
                _("Measures referred in the period."),
                self._count(
                    Measure.search_count(
                        self._dated(company_ids, "referral_date", date_from, date_to)
                    )
                ),
            ),
            self._indicator(
                "avdl_measures_closed",
                _("AVDL measures closed"),
                _("Measures closed in the period."),
                self._count(len(closed)),
            ),
            self._indicator(
                "avdl_active_end",
                _("Active file on the last day"),
                _("Measures before entry or in housing on the last day of the period."),
                self._count(self._active_file_on(date_to, company_ids)),
            ),
            self._indicator(
                "avdl_active_mean",
                _("Mean active file"),
                _(
                    "Mean over the days of the period of the measures in the active "
                    "file."
                ),
                self._mean(
                    self._active_file_days(date_from, date_to, company_ids), days
                ),
            ),
            self._indicator(
                "avdl_mean_length_days",
                _("Mean length of measures (days)"),
                _(
                    "Mean days from entry into housing to closing, measures closed "
                    "in the period."
                ),
                self._mean(sum(lengths), len(lengths)),
            ),
            self._indicator(
                "avdl_renewals",
                _("Renewals"),
                _("Renewals dated in the period."),
                self._count(renewals),
            ),
            *self._exit_indicators(closed),
        ]

    def _exit_indicators(self, closed):
        """Where the measures closed in the period ended."""

        def closed_to(destination):
            return len(closed.filtered(lambda m: m.exit_destination == destination))

        return [
            self._indicator(
                "exit_rate_ordinary_housing",
                _("Exit rate to ordinary housing"),
                _(
                    "Measures closed in the period with housing kept or obtained in "
                    "social or private housing, over measures closed."
                ),
                self._rate(closed_to("ordinary_housing"), len(closed)),
            ),
            self._indicator(
                "exit_rate_adapted_housing",
                _("Exit rate to supported housing"),
                _(
                    "Measures closed in the period with housing kept or obtained in "
                    "supported housing, over measures closed."
                ),
                self._rate(closed_to("adapted_housing"), len(closed)),
            ),
        ]

    def _release_indicators(self, date_from, date_to, company_ids):
        releases = self._tally(
            "siao.report.release",
            self._dated(company_ids, "release_date", date_from, date_to),
            [
                "release_outcome",
                "outcome_is_solution",
                "first_night_covered",
                "first_night_held_place",
            ],
        )
        total = self._counted(releases)
        dry = self._counted(releases, lambda row: row["release_outcome"] == "dry_exit")
        covered = self._counted(releases, lambda row: row["first_night_covered"])
        return [
            self._indicator(
                "releases_total",
                _("Releases"),
                _("Persons released in the period."),
                self._count(total),
            ),
            self._indicator(
                "releases_with_solution",
                _("Releases with a solution"),
                _(
                    "Releases in the period to housing, supported housing, shelter "
                    "or family."
                ),
                self._count(
                    self._counted(releases, lambda row: row["outcome_is_solution"])
                ),
            ),
            self._indicator(
                "dry_exits",
                _("Dry exits"),
                _("Releases in the period without any solution."),
                self._count(dry),
            ),
            self._indicator(
                "dry_exit_rate",
                _("Dry exit rate"),
                _("Dry exits over releases in the period."),
                self._rate(dry, total),
            ),
            self._indicator(
                "first_night_covered_rate",
                _("First night covered"),
                _(
                    "Releases in the period whose person reached, the first night, "
                    "the place of their release-day plan (recorded the morning "
                    "after), over releases in the period."
                ),
                self._rate(covered, total),
            ),
            self._indicator(
                "dry_exits_avoided",
                _("Dry exits avoided by a place held"),
                _(
                    "Releases in the period whose person spent the first night in a "
                    "SAS apartment or a floating place held for that night."
                ),
                self._count(
                    self._counted(releases, lambda row: row["first_night_held_place"])
                ),
            ),
        ]

    def _request_indicators(self, date_from, date_to, company_ids):
        def dated(field):
            return self._dated(company_ids, field, date_from, date_to)

        filed = self._tally(
            "siao.report.request",
            dated("request_date"),
            ["filed_in_time"],
            ["__count", "household_size:sum"],
        )
        filed_count = self._counted(filed)
        refusals = self._tally(
            "siao.report.request.step",
            dated("date") + [("event", "=", "refuse")],
            ["refusal_by"],
        )

        def refused_by(who):
            return self._counted(refusals, lambda row: row["refusal_by"] == who)

        def days(date_field, field):  # each request's days, from the count per days
            tally = self._tally("siao.report.request", dated(date_field), [field])
            return [row[field] or 0 for row, count in tally for _n in range(count)]

        return [
            self._indicator(
                "requests_filed",
                _("SIAO requests filed"),
                _("Requests first submitted in the period."),
                self._count(filed_count),
            ),
            self._indicator(
                "persons_in_requests_filed",
                _("Persons in the households of the requests filed"),
                _(
                    "The persons and the members of their households not housed "
                    "already, in the requests first submitted in the period (a "
                    "request is one household)."
                ),
                self._count(sum(persons or 0 for _key, _count, persons in filed)),
            ),
            self._indicator(
                "requests_filed_in_time",
                _("Requests filed in time"),
                _(
                    "Of those, filed while the lead time still remained before the "
                    "expected release (or the hearing on an adjustment, when it "
                    "came first)."
                ),
                self._rate(
                    self._counted(filed, lambda row: row["filed_in_time"]), filed_count
                ),
            ),
            self._indicator(
                "median_days_to_orientation",
                _("Median days to orientation"),
                _(
                    "Median days from first submission to orientation, requests "
                    "oriented in the period."
                ),
                self._median(days("oriented_date", "days_to_orientation")),
            ),
            self._indicator(
                "median_days_to_admission",
                _("Median days to admission"),
                _(
                    "Median days from first submission to admission, requests "
                    "admitted in the period."
                ),
                self._median(days("admitted_date", "days_to_admission")),
            ),
            self._indicator(
                "refusals_person",
                _("Refusals by the person"),
                _("Refusals by the person dated in the period."),
                self._count(refused_by("person")),
            ),
            self._indicator(
                "refusals_structure",
                _("Refusals by the structure"),
                _("Refusals by the structure dated in the period."),
                self._count(refused_by("structure")),
            ),
            self._indicator(
                "lsc_blocked",
                _("LSC de plein droit blocked"),
                _(
                    "Persons whose LSC de plein droit date fell in the period "
                    "without a housing solution, still detained after it."
                ),
                self._count(self._lsc_blocked(date_from, date_to, company_ids)),
            ),
        ]

    def _hearing_indicators(self, date_from, date_to, company_ids):
        hearings = self._tally(
            "siao.report.hearing",
            self._dated(company_ids, "date", date_from, date_to)
            + [("outcome", "not in", ("pending", "postponed"))],
            ["outcome"],
        )
        decided = self._counted(hearings)
        refused = self._counted(
            hearings, lambda row: row["outcome"] == "refused_housing"
        )
        return [
            self._indicator(
                "hearings_decided",
                _("Hearings on adjustments decided"),
                _(
                    "Hearings on a sentence adjustment or an LSC held in the period "
                    "and decided (granted or refused)."
                ),
                self._count(decided),
            ),
            self._indicator(
                "hearings_refused_for_housing",
                _("Adjustments refused for lack of housing"),
                _("Of those, refused because the person had no housing."),
                self._rate(refused, decided),
            ),
        ]

    def _letter_indicators(self, date_from, date_to, company_ids):
        Letter = self.env["siao.report.letter"]
        sent = Letter.search_count(
            self._dated(company_ids, "sent_date", date_from, date_to)
        )
        replies = Letter.search_count(
            self._dated(company_ids, "reply_date", date_from, date_to)
        )
        return [
            self._indicator(
                "letters_sent",
                _("Letters sent to the persons"),
                _("Letters to the persons in prison sent in the period."),
                self._count(sent),
            ),
            self._indicator(
                "letter_replies",
                _("Replies received from the persons"),
                _("Reply slips received and recorded in the period."),
                self._count(replies),
            ),
        ]

    def _commission_indicators(self, date_from, date_to, company_ids):
        cases = self.env["siao.report.commission"].search_count(
            self._dated(company_ids, "meeting_date", date_from, date_to)
        )
        return [
            self._indicator(
                "commission_meetings",
                _("Commission meetings"),
                _("Commissions closed in the period."),
                self._count(self._meetings_held(date_from, date_to, company_ids)),
            ),
            self._indicator(
                "commission_cases_reviewed",
                _("Commission cases reviewed"),
                _("Cases on the agenda of those commissions."),
                self._count(cases),
            ),
        ]

    def _supervision_indicators(self, date_from, date_to, company_ids):
        return [
            self._indicator(
                "supervised_followed",
                _("Persons under court supervision outside prison"),
                _(
                    "Persons under court supervision without detention (outside "
                    "placement, DDSE, probation, licence) whose supervision began by "
                    "the end of the period (or whose file was opened by then) and had "
                    "not ended before it, whatever their file says today: counted "
                    "apart from the releases."
                ),
                self._count(self._supervised_followed(date_from, date_to, company_ids)),
            ),
        ]

    def _place_indicators(self, date_from, date_to, company_ids):
        places = (
            self.env["siao.housing.place"]
            .sudo()
            .search(
                [("company_id", "in", company_ids), ("justice_reserved", "=", True)]
            )
        )
        held = (
            self.env["siao.housing.place"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("company_id", "in", company_ids),
                    ("place_type", "in", HELD_PLACE_TYPES),
                ]
            )
        )
        return [
            self._indicator(
                "reserved_places_occupancy_rate",
                _("Occupancy of justice-reserved places"),
                _(
                    "Days occupied over days open of the places reserved for people "
                    "leaving prison."
                ),
                self._rate(*places._occupancy(date_from, date_to)),
            ),
            self._indicator(
                "held_place_nights",
                _("Nights covered by SAS apartments and floating places"),
                _(
                    "Nights someone lived in a SAS apartment or a floating place in "
                    "the period."
                ),
                self._count(held._occupancy(date_from, date_to)[0]),
            ),
        ]

    def _held_permanences(self, date_from, date_to, company_ids):
        """The office hours held in the period (as superuser: figures only)."""
        return (
            self.env["siao.permanence"]
            .sudo()
            .search(
                [("company_id", "in", company_ids), ("state", "=", "done")]
                + self.env["res.company"]._siao_days_domain("date", date_from, date_to)
            )
        )

    def _permanence_indicators(self, date_from, date_to, company_ids):
        sessions = self._held_permanences(date_from, date_to, company_ids)
        Line = self.env["siao.permanence.line"].sudo()
        met = Line._read_group(
            [
                ("permanence_id", "in", sessions.ids),
                ("outcome", "in", Line._met_outcomes()),
            ],
            [],
            ["detainee_id:count_distinct"],
        )[0][0]
        opened = Line.search_count(
            [("permanence_id", "in", sessions.ids), ("outcome", "=", "request_opened")]
        )
        return [
            self._indicator(
                "permanence_sessions",
                _("Office hours in prison"),
                _("Office hours held in prison in the period."),
                self._count(len(sessions)),
            ),
            self._indicator(
                "permanence_persons_met",
                _("Persons met at the office hours"),
                _(
                    "Distinct persons met at those office hours, with or without a "
                    "request opened."
                ),
                self._count(met),
            ),
            self._indicator(
                "permanence_requests_opened",
                _("Requests opened at the office hours"),
                _("SIAO requests opened at those office hours."),
                self._count(opened),
            ),
        ]

    def _contingents_in_force(self, date_from, date_to, company_ids):
        Convention = self.env["siao.convention"].sudo()
        return Convention.search(
            [("company_id", "in", company_ids)]
            + Convention._in_force_domain(date_from, date_to)
        )

    def _contingent_indicators(self, date_from, date_to, company_ids):
        conventions = self._contingents_in_force(date_from, date_to, company_ids)
        figures = conventions._contingent_figures(date_from, date_to).values()
        return [
            self._indicator(
                "contingent_places",
                _("Places of the contingents"),
                _(
                    "Places agreed by the contingents of places signed and in force "
                    "in the period."
                ),
                self._count(sum(conventions.mapped("place_count"))),
            ),
            self._indicator(
                "contingent_occupancy_rate",
                _("Occupancy of the contingents"),
                _(
                    "Days occupied over days open of the contingents' places, within "
                    "the conventions' dates."
                ),
                self._rate(
                    sum(row["occupied_days"] for row in figures),
                    sum(row["open_days"] for row in figures),
                ),
            ),
            self._indicator(
                "contingent_mean_stay_days",
                _("Mean stay in the contingents (days)"),
                _(
                    "Mean length in days of the stays in the contingents' places "
                    "that ended in the period."
                ),
                self._mean(
                    sum(row["stay_days"] for row in figures),
                    sum(row["stays_ended"] for row in figures),
                ),
            ),
        ]

    def _renewals(self, date_from, date_to, company_ids):
        """The AVDL renewals of the period, a figure only, counted by PostgreSQL
        for the company the file was in on the renewal's day."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT count(*)
                  FROM siao_avdl_renewal r
                  JOIN siao_avdl_measure m ON m.id = r.measure_id
                  JOIN siao_detainee d ON d.id = m.detainee_id
                 WHERE r.date >= %(date_from)s AND r.date <= %(date_to)s
                   AND %(company)s IN %(companies)s
                """,
                company=company_on_sql("d", SQL("r.date"), SQL("r.company_id")),
                companies=tuple(company_ids) or (0,),
                date_from=date_from,
                date_to=date_to,
            )
        )
        return self.env.cr.fetchone()[0]

    def _supervised_followed(self, date_from, date_to, company_ids):
        """A figure only, counted by PostgreSQL without reading any file: the
        persons whose court supervision covered a day of the period, from its
        dates as the stay that led to it keeps them (a later stay in prison does
        not erase them), or the file's own while they are not a stay's (a person
        followed under supervision without a stay in prison, a new supervision
        after one that ended); a supervision without its start counts from its
        record's creation, in the company's time zone; each counts for the
        company its file was in when it began."""
        self.env.flush_all()

        def local_day(column):  # the day of an instant in its company's time zone
            return SQL(
                "(%s AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(c.siao_timezone, %s))"
                "::date",
                SQL(column),
                DEFAULT_TIMEZONE,
            )

        self.env.cr.execute(
            SQL(
                """
                SELECT count(DISTINCT sup.id)
                  FROM (SELECT d.id, d.handed_over, s.company_id,
                               COALESCE(s.supervision_start_date, %(stay_created)s)
                                   AS date_start,
                               s.supervision_end_date AS date_end
                          FROM siao_detainee_stay s
                          JOIN siao_detainee d ON d.id = s.detainee_id
                          JOIN res_company c ON c.id = s.company_id
                         WHERE s.supervision_type IS NOT NULL
                        UNION ALL
                        SELECT d.id, d.handed_over, d.company_id,
                               COALESCE(d.supervision_start_date, %(file_created)s),
                               d.supervision_end_date
                          FROM siao_detainee d
                          JOIN res_company c ON c.id = d.company_id
                     LEFT JOIN siao_detainee_stay cs ON cs.id = d.current_stay_id
                         WHERE d.supervision_type IS NOT NULL
                           AND (cs.supervision_type IS NULL
                                OR cs.supervision_start_date
                                   IS DISTINCT FROM d.supervision_start_date)
                       ) AS sup
                 WHERE %(company)s IN %(companies)s
                   AND sup.date_start <= %(date_to)s
                   AND (sup.date_end IS NULL OR sup.date_end >= %(date_from)s)
                """,
                stay_created=local_day("s.create_date"),
                file_created=local_day("d.create_date"),
                company=company_on_sql(
                    "sup", SQL("sup.date_start"), SQL("sup.company_id")
                ),
                companies=tuple(company_ids) or (0,),
                date_from=date_from,
                date_to=date_to,
            )
        )
        return self.env.cr.fetchone()[0]

    def _distinct_persons(self, queries):
        """How many persons appear in any of the report queries (record rules
        applied by _search), counted by PostgreSQL."""
        self.env.cr.execute(
            SQL(
                "SELECT count(DISTINCT person_key) FROM (%s) AS persons",
                SQL(" UNION ALL ").join(
                    query.select(SQL.identifier(query.table, "person_key"))
                    for query in queries
                ),
            )
        )
        return self.env.cr.fetchone()[0]

    @staticmethod
    def _median(values):
        values = [v for v in values if v is not None]
        return {
            "value": statistics.median(values) if values else None,
            "numerator": None,
            "denominator": len(values),
        }

    def _meetings_held(self, date_from, date_to, company_ids):
        """The meetings held on the days of the period, each company's days."""
        return (
            self.env["siao.commission.meeting"]
            .sudo()
            .search_count(
                [("company_id", "in", company_ids), ("state", "=", "closed")]
                + self.env["res.company"]._siao_days_domain("date", date_from, date_to)
            )
        )

    def _active_file_on(self, day, company_ids):
        return self._active_file_on_days([day], company_ids)[day]

    def _active_file_on_days(self, days, company_ids):
        """The size of the active file at the end of each of ``days``, in one query
        (record rules applied by _search)."""
        Measure = self.env["siao.report.measure"]
        query = Measure._search([("company_id", "in", company_ids)])
        table = query.table
        self.env.cr.execute(
            SQL(
                """SELECT day, count(measure.file_from)
                     FROM unnest(%(days)s::date[]) AS day
                LEFT JOIN (%(measures)s) AS measure
                       ON measure.file_from <= day
                      AND (measure.file_until IS NULL OR measure.file_until > day)
                 GROUP BY day""",
                days=list(days),
                measures=query.select(
                    SQL.identifier(table, "file_from"),
                    SQL.identifier(table, "file_until"),
                ),
            )
        )
        return dict(self.env.cr.fetchall())

    def _active_file_days(self, date_from, date_to, company_ids):
        """Sum over the measures of their days in the active file within the period
        (record rules applied by _search)."""
        query = self.env["siao.report.measure"]._search(
            [("company_id", "in", company_ids), ("file_from", "!=", False)]
        )
        self.env.cr.execute(
            SQL(
                """SELECT COALESCE(sum(GREATEST(0,
                       LEAST(COALESCE(measure.file_until - 1, %(end)s), %(end)s)
                       - GREATEST(measure.file_from, %(start)s) + 1)), 0)
                     FROM (%(measures)s) AS measure""",
                start=date_from,
                end=date_to,
                measures=query.select(
                    SQL.identifier(query.table, "file_from"),
                    SQL.identifier(query.table, "file_until"),
                ),
            )
        )
        return self.env.cr.fetchone()[0]

    def _lsc_blocked(self, date_from, date_to, company_ids):
        """Stays whose LSC de plein droit date is in the period, with no housing
        solution that day, still detained after (the report view's rows, record
        rules applied)."""
        return self.env["siao.report.lsc"].search_count(
            [
                ("company_id", "in", company_ids),
                ("lsc_date", ">=", date_from),
                ("lsc_date", "<=", date_to),
                ("blocked", "=", True),
            ]
        )
