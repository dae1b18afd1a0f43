"""Who read a file: every opening of a person's data (form, list, read through the
API, export, PDF, portal page, the person's own access request) is recorded with
the user, the time, the file and the way; kept the company's time (6 to 12 months,
CNIL's recommendation of October 2021), then purged. Nobody changes or deletes an
entry: the ORM refuses, and PostgreSQL refuses any UPDATE or DELETE but the purge's.
A request writes one INSERT at most, whatever the number of files it read."""

from dateutil.relativedelta import relativedelta

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .record_tools import is_person_record

ACCESS_WAYS = [
    ("form", "File opened"),
    ("list", "Listed"),
    ("read", "Read through the API"),
    ("export", "Exported"),
    ("pdf", "Printed"),
    ("portal", "SPIP portal page"),
    ("rights", "Access request (all the data)"),
]
# The key of a transaction's reads waiting for its one INSERT.
PENDING = "siao.access_log"
# The setting that lets the purge delete; nothing else may.
PURGE_SETTING = "siao.access_log_purge"
# The context key of the way the outer call reads (its inner reads, of the same
# files or of others, are logged the same way): a (way, TRUSTED) pair, which a
# client cannot send (a Python object; JSON carries none).
WAY = "siao_read_way"
TRUSTED = object()
# The aggregates that return the values of many records in one row: refused on the
# addon's models (a reading no log could tell apart).
ARRAY_AGGREGATES = ("array_agg", "array_agg_distinct", "recordset")


def reads_data(field_names):
    """Whether reading ``field_names`` (None: every field) reads a record's data:
    its id and name alone (as a relation shows it) do not."""
    return field_names is None or bool(set(field_names) - {"id", "display_name"})


def logs_reads(method):
    """A method that logs the reads it makes writes: the web client's RPC runs it on
    a read/write cursor (Odoo runs ``@api.readonly`` methods on a read-only one)."""
    method._readonly = False
    return method


def logged_in_transaction(cr):
    """The (user, file) pairs this transaction already wrote to the log (a flush
    before the commit, a savepoint's, runs the INSERT early): forgotten at its end."""
    logged = getattr(cr, "_siao_access_logged", None)
    if logged is None:
        logged = set()
        cr._siao_access_logged = logged
        forget = lambda: logged.clear()  # noqa: E731
        cr.postcommit.add(forget)
        cr.postrollback.add(forget)
    return logged


def record_access(env, person_ids, way):
    """Note that the current user read these files, the way ``way``: written with
    the transaction, in one INSERT (``flush_access_log``). The first way a file is
    read in a transaction is the one kept."""
    if env.uid == SUPERUSER_ID or not person_ids:
        return
    logged = logged_in_transaction(env.cr)
    pending = env.cr.precommit.data.get(PENDING)
    if pending is None:
        pending = env.cr.precommit.data[PENDING] = {}
        env.cr.precommit.add(lambda: flush_access_log(env.cr))
    for person_id in person_ids:
        if type(person_id) is int and (env.uid, person_id) not in logged:
            pending.setdefault((env.uid, person_id), way)


def flush_access_log(cr):
    pending = cr.precommit.data.pop(PENDING, None)
    if not pending:
        return
    logged_in_transaction(cr).update(pending)
    rows = [
        SQL("(%s, %s, %s)", uid, person_id, way)
        for (uid, person_id), way in pending.items()
    ]
    cr.execute(
        SQL(
            """INSERT INTO siao_access_log
                          (user_id, detainee_id, detainee_ref, way, company_id, date)
               SELECT v.uid, v.person, v.person, v.way, d.company_id,
                      now() AT TIME ZONE 'UTC'
                 FROM (VALUES %s) AS v(uid, person, way)
                 JOIN siao_detainee d ON d.id = v.person""",
            SQL(", ").join(rows),
        )
    )


class SiaoAccessLog(models.Model):
    _name = "siao.access.log"
    _description = "Who read a file"
    _order = "date desc, id desc"
    _log_access = False
    # Not a record of the file: it outlives the file's moves, merges and deletion,
    # and is not part of the person's data (siao.detainee._belonging_fields).
    _siao_apart = True

    user_id = fields.Many2one(
        "res.users", string="Who", readonly=True, index=True, ondelete="restrict"
    )
    detainee_id = fields.Many2one(
        "siao.detainee", string="File", readonly=True, index=True, ondelete="set null"
    )
    # The file's number, kept when the file is deleted.
    detainee_ref = fields.Integer(string="File number", readonly=True)
    company_id = fields.Many2one(
        "res.company", readonly=True, index=True, ondelete="restrict"
    )
    date = fields.Datetime(string="When", readonly=True, index=True)
    way = fields.Selection(ACCESS_WAYS, string="How", readonly=True)

    def init(self):
        # Not rewritable: PostgreSQL refuses every change of an entry, its deletion
        # but by the nightly purge (which sets PURGE_SETTING for its own
        # transaction) and emptying the table. A deleted file's entries keep its
        # number; a column added by a later version may be filled.
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE FUNCTION siao_access_log_guard() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'DELETE'
                       AND current_setting(%(setting)s, true) = 'on' THEN
                        RETURN OLD;
                    END IF;
                    IF TG_OP = 'UPDATE' THEN
                        IF (NEW.detainee_id IS NULL
                            OR NEW.detainee_id = OLD.detainee_id)
                           AND (NEW.user_id, NEW.detainee_ref, NEW.company_id,
                                NEW.date, NEW.way)
                               IS NOT DISTINCT FROM (OLD.user_id, OLD.detainee_ref,
                                OLD.company_id, OLD.date, OLD.way) THEN
                            RETURN NEW;
                        END IF;
                    END IF;
                    RAISE EXCEPTION 'siao_access_log: an entry is never changed';
                END $$;
                DROP TRIGGER IF EXISTS siao_access_log_guard ON siao_access_log;
                CREATE TRIGGER siao_access_log_guard
                    BEFORE UPDATE OR DELETE ON siao_access_log
                    FOR EACH ROW EXECUTE FUNCTION siao_access_log_guard();
                DROP TRIGGER IF EXISTS siao_access_log_keep ON siao_access_log;
                CREATE TRIGGER siao_access_log_keep
                    BEFORE TRUNCATE ON siao_access_log
                    FOR EACH STATEMENT EXECUTE FUNCTION siao_access_log_guard();
                """,
                setting=PURGE_SETTING,
            )
        )

    # Written by the application alone (``flush_access_log``), never changed nor
    # deleted but by the purge: the ORM refuses, whoever asks (an empty call changes
    # nothing).
    @api.model_create_multi
    def create(self, vals_list):
        if vals_list:
            raise AccessError(
                _("The log of who read a file is written by the application.")
            )
        return super().create(vals_list)

    def write(self, vals):
        if self and vals:
            raise AccessError(
                _("An entry of the log of who read a file never changes.")
            )
        return super().write(vals)

    def unlink(self):
        if self:
            raise AccessError(
                _("An entry of the log of who read a file is never deleted.")
            )
        return super().unlink()

    @api.model
    def _cron_purge(self):
        """Entries older than their company's keeping time are deleted."""
        companies = (
            self.env["res.company"].sudo().with_context(active_test=False).search([])
        )
        self.env.cr.execute(SQL("SELECT set_config(%s, 'on', true)", PURGE_SETTING))
        purged = 0
        for company in companies:
            months = company.siao_access_log_months or 6
            limit = company.siao_day_start(
                company.siao_today() - relativedelta(months=months)
            )
            self.env.cr.execute(
                SQL(
                    "DELETE FROM siao_access_log WHERE company_id = %s AND date < %s",
                    company.id,
                    limit,
                )
            )
            purged += self.env.cr.rowcount
        self.env.cr.execute(SQL("SELECT set_config(%s, 'off', true)", PURGE_SETTING))
        return purged


class SiaoInputValidation(models.AbstractModel):
    """Every reading of a person's data through the addon's models is logged: the
    file itself (its form, a list, the API's ``read`` and ``search_read``, an
    export, ``copy_data``) and every record of it (a request, a measure, a case...:
    a reading of its file), in the way of the outer call (a list's rows read by
    the list). Aggregates that return many records' values in one row are refused.
    A name shown in a relation (``display_name``) is no reading of the file. On
    every model of the addon, not only a person's records: a meeting's form reads
    its cases, a place's its bookings (its reads run on a read/write cursor)."""

    _inherit = "siao.input.validation"

    def _read_way(self, way):
        given = self.env.context.get(WAY)
        if isinstance(given, tuple) and len(given) == 2 and given[1] is TRUSTED:
            return given[0]
        return way

    def _persons_read(self):
        """The files whose data these records are: the files themselves, or the
        file each belongs to (found from the registry); none for a wizard."""
        Person = self.env["siao.detainee"]
        if self._name == Person._name:
            return self
        if self._transient or not self:
            return Person
        records = self.sudo()
        field = records._fields.get("detainee_id")
        if field is not None and field.comodel_name == Person._name:
            return records.detainee_id
        for model, fname in Person._belonging_fields():
            parents = records[fname] if model == self._name else None
            if parents is not None and is_person_record(parents):
                return parents._persons_read()
        return Person

    def _siao_persons_printed(self):
        """The files a document of these records shows (the minutes: the persons
        of their cases)."""
        return self._persons_read()

    def _log_reads(self, way, records=None):
        """Log the reading of ``records`` (these records by default); the calls
        made for it read in the same way."""
        way = self._read_way(way)
        if not self.env.su:
            read = self if records is None else records
            record_access(self.env, read._persons_read().ids, way)
        return self.with_context(**{WAY: (way, TRUSTED)})

    @logs_reads
    def web_read(self, specification):
        # Only the ids and the name (a relation, shown by Odoo as the superuser)
        # read nothing of the file.
        if reads_data(specification):
            self = self._log_reads("form")
        return super().web_read(specification)

    @logs_reads
    @api.model
    def web_search_read(
        self, domain, specification, offset=0, limit=None, order=None, count_limit=None
    ):
        # Its rows are read by web_read, in this list's way.
        lister = self.with_context(**{WAY: (self._read_way("list"), TRUSTED)})
        return super(SiaoInputValidation, lister).web_search_read(
            domain,
            specification,
            offset=offset,
            limit=limit,
            order=order,
            count_limit=count_limit,
        )

    @logs_reads
    def read(self, fields=None, load="_classic_read"):
        reader = self._log_reads("read") if reads_data(fields) else self
        return super(SiaoInputValidation, reader).read(fields=fields, load=load)

    @logs_reads
    @api.model
    def search_read(
        self, domain=None, fields=None, offset=0, limit=None, order=None, **read_kwargs
    ):
        rows = super().search_read(
            domain, fields, offset=offset, limit=limit, order=order, **read_kwargs
        )
        if reads_data(fields):
            self._log_reads("read", self.browse([row["id"] for row in rows]))
        return rows

    def export_data(self, fields_to_export):
        return super(SiaoInputValidation, self._log_reads("export")).export_data(
            fields_to_export
        )

    @logs_reads
    def copy_data(self, default=None):
        self._log_reads("read")
        return super().copy_data(default=default)

    @api.model
    def read_group(
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        if not self.env.su and any(
            isinstance(spec, str)
            and ":" in spec
            and spec.split(":")[1].split("(")[0] in ARRAY_AGGREGATES
            for spec in fields or ()
        ):
            raise AccessError(
                _("The values of many records in one row are not given out here.")
            )
        return super().read_group(
            domain,
            fields,
            groupby,
            offset=offset,
            limit=limit,
            orderby=orderby,
            lazy=lazy,
        )
