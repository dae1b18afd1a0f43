"""One rule for identity: whatever a user may not read about a person never reaches
them, whatever they ask and however they ask it.

The sweep reads the registry: every model the addon defines or extends, and Odoo's
own models that carry a record's messages, activities, followers, files and uploads,
is asked in every way a client can ask (search_read of every field, web_search_read
with the relations' display names, name_search, read_group on every relation,
creations and changes that link a file or hit a constraint) by every role that may
not read the files: a reader, a social worker who is not the referent, an
accountant, an internal user without a role, a portal user. A model added later is
swept without touching this test."""

import base64
import json
from datetime import date, datetime, timedelta

import psycopg2

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.service.model import _as_validation_error
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SiaoCase

# Odoo's models that carry what a record has around it.
AROUND_RECORDS = (
    "mail.message",
    "mail.notification",
    "mail.activity",
    "mail.followers",
    "mail.tracking.value",
    "mail.mail",
    "ir.attachment",
    "base_import.import",
)
SECRET = {
    "last_name": "Zorglubienne",
    "first_name": "Philomenax",
    "prison_number": "EC-77311",
    "birthdate": date(1961, 7, 13),
}
FOREIGN = {
    "last_name": "Outrebassine",
    "first_name": "Clothaire",
    "prison_number": "EC-99402",
    "birthdate": date(1958, 3, 27),
}
FREE_TEXT = "Zorglubienne-note"


class _Rollback(Exception):
    pass


def tokens(identity):
    born = identity["birthdate"]
    return [
        identity["last_name"],
        identity["first_name"],
        identity["prison_number"],
        born.isoformat(),
        born.strftime("%d/%m/%Y"),
        FREE_TEXT,
    ]


@tagged("post_install", "-at_install", "siao_access")
class TestConfidentiality(SiaoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.roles = {
            "reader": cls.reader,
            "worker who is not the referent": cls.worker_2,
            "accountant": cls.accountant,
            "internal user": cls.internal,
            "portal user": cls.portal,
        }
        cls.visible = cls.create_person(
            last_name="Visible", user_id=cls.worker_2.id, consent_date=cls.today
        )
        cls.secret = cls._file(cls.company, cls.worker, confidential=True, **SECRET)
        cls.foreign = cls._file(cls.company_b, cls.worker_b, prison_id=False, **FOREIGN)
        cls.env.flush_all()
        cls.forbidden = tokens(SECRET) + tokens(FOREIGN)

    @classmethod
    def _file(cls, company, referent, **identity):
        """A file with a record of every kind around it, and the wizards and
        uploads its referent left open."""
        env = cls.env(context=dict(cls.env.context, allowed_company_ids=company.ids))
        today = cls.today
        person = env["siao.detainee"].create(
            {
                **identity,
                "company_id": company.id,
                "user_id": referent.id,
                "legal_status": "convicted",
                "incarceration_date": date(2024, 1, 1),
                "expected_release_date": today + timedelta(days=20),
                "consent_date": today,
                "notes": FREE_TEXT,
                "restrictions": FREE_TEXT,
            }
        )
        records = cls.create_complete_file(person, text=FREE_TEXT, referent=referent)
        request, measure = records["siao.request"], records["siao.avdl.measure"]
        person.activity_schedule(
            "mail.mail_activity_data_todo", summary=FREE_TEXT, user_id=referent.id
        )
        cls._messages_to_outsiders(env, person, identity["last_name"], referent)
        records["siao.commission.meeting"].action_close()
        # Their needs, a contingent of places.
        person.need_tag_ids = env["siao.need.tag"].create(
            {"name": f"Besoin {company.id}", "company_id": company.id}
        )
        env["siao.convention"].create(
            {
                "name": "Contingent du balayage",
                "partner_id": records["siao.housing.place"].structure_id.id,
                "kind": "contingent",
                "place_count": 1,
                "place_ids": [(6, 0, records["siao.housing.place"].ids)],
                "signature_date": today - timedelta(days=10),
                "company_id": company.id,
            }
        )
        cls._left_open(env, person, identity["last_name"], referent, request, measure)
        return person

    @classmethod
    def _messages_to_outsiders(cls, env, person, last_name, referent):
        """A message once sent to every role of the sweep (Odoo lets a recipient
        read it for good), with their notifications; an activity assigned by
        someone else (Odoo notifies its user): the file's rules decide."""
        outsiders = (
            cls.reader | cls.worker_2 | cls.accountant | cls.internal | cls.portal
        ).partner_id
        sent = env["mail.message"].create(
            {
                "model": "siao.detainee",
                "res_id": person.id,
                "body": f"{FREE_TEXT} {last_name}",
                "message_type": "comment",
                "partner_ids": [(6, 0, outsiders.ids)],
            }
        )
        env["mail.notification"].create(
            [
                {
                    "mail_message_id": sent.id,
                    "res_partner_id": partner.id,
                    "notification_type": "inbox",
                }
                for partner in outsiders
            ]
        )
        # An activity assigned by someone else: Odoo notifies its user.
        if person.company_id in cls.manager.company_ids:
            person.with_user(referent).activity_schedule(
                "mail.mail_activity_data_todo",
                summary=FREE_TEXT,
                user_id=cls.manager.id,
            )

    @classmethod
    def _left_open(cls, env, person, last_name, referent, request, measure):
        """What the referent left open: every wizard of the addon, an upload."""
        today = cls.today
        as_referent = env(user=referent, su=True)
        as_referent["siao.release.wizard"].create(
            {"detainee_id": person.id, "outcome": "dry_exit"}
        )
        as_referent["siao.stay.wizard"].create(
            {"detainee_id": person.id, "kind": "transfer", "prison_id": cls.prison.id}
        )
        as_referent["siao.retention.postpone.wizard"].create(
            {"detainee_id": person.id, "until": today, "reason": FREE_TEXT}
        )
        for model in (
            "siao.request.submit.wizard",
            "siao.request.cancel.wizard",
        ):
            as_referent[model].create(
                {"request_ids": [(6, 0, request.ids)], "reason": FREE_TEXT}
            )
        as_referent["siao.request.refuse.wizard"].create(
            {
                "request_ids": [(6, 0, request.ids)],
                "refusal_by": "person",
                "reason": "other",
            }
        )
        as_referent["siao.request.step.wizard"].create(
            {"request_ids": [(6, 0, request.ids)], "step": "orient"}
        )
        as_referent["siao.settings"].create({})
        as_referent["siao.avdl.renew.wizard"].create(
            {"measure_id": measure.id, "reason": FREE_TEXT}
        )
        as_referent["siao.avdl.close.wizard"].create(
            {"measure_id": measure.id, "closing_reason": "other"}
        )
        as_referent["siao.detainee.merge"].create(
            {"detainee_ids": [(6, 0, person.ids)], "target_id": person.id}
        )
        as_referent["siao.person.rights.wizard"].create(
            {"detainee_id": person.id, "act": "freeze", "reason": FREE_TEXT}
        )
        as_referent["siao.person.data.export"].create(
            {"detainee_id": person.id, "file_name": "donnees.zip"}
        )
        as_referent["base_import.import"].create(
            {
                "res_model": "siao.detainee",
                "file": f"Nom;Prénom\n{last_name};x\n".encode(),
                "file_name": "liste_spip.csv",
                "file_type": "text/csv",
            }
        )

    # ---- The sweep's tools ----
    def swept_models(self):
        names = {
            model.model
            for model in self.env["ir.model"].search([])
            if "siao_justice" in (model.modules or "").split(", ")
        }
        names.update(AROUND_RECORDS)
        return sorted(
            name for name in names if name in self.env and not self.env[name]._abstract
        )

    def leaks(self, value):
        text = json.dumps(value, default=str, ensure_ascii=False).casefold()
        return [token for token in self.forbidden if token.casefold() in text]

    def ask(self, found, role, model, way, call):
        """Run ``call`` and undo it; record any forbidden token in its answer or
        in its error (as a client would receive it). Return the error, if any."""
        error = None
        try:
            with mute_logger("odoo.models", "odoo.sql_db"):
                with self.env.cr.savepoint():
                    answer = call()
                    self.env.flush_all()
                    raise _Rollback(answer)
        except _Rollback as done:
            answer = done.args[0]
        except psycopg2.Error as exc:
            error = _as_validation_error(self.env, exc)
            answer = str(error)
        except Exception as exc:  # any refusal is an answer to read
            error = exc
            answer = str(exc)
        self.env.invalidate_all()
        leaked = self.leaks(answer)
        if leaked:
            found.append(f"{role} / {model} / {way}: {leaked}")
        return error

    def writable_record(self, Model):
        """A record ``Model``'s user may change, if any."""
        try:
            mine = Model.search([], limit=1)
        except AccessError:
            return Model.browse()
        return mine if mine and mine.has_access("write") else Model.browse()

    def readable_fields(self, Model):
        try:
            described = Model.fields_get(attributes=["type"])
        except AccessError:
            return {}
        # The users' group check boxes of the form are groups_id, swept as such.
        return {
            name: value for name, value in described.items() if name in Model._fields
        }

    def sweep(self, ways):
        found = []
        for role, user in self.roles.items():
            for model in self.swept_models():
                Model = self.env[model].with_user(user)
                fields = self.readable_fields(Model)
                for way, call in ways(Model, fields):
                    self.ask(found, role, model, way, call)
        self.assertFalse(found, "\n".join(found))

    # ---- Reading ----
    def test_search_read_and_export_of_every_field_name_no_one(self):
        def ways(Model, fields):
            yield "search_read", lambda: Model.search_read([], list(fields))
            yield (
                "export_data",
                lambda: Model.search([]).export_data(
                    [name for name in fields if fields[name]["type"] != "binary"]
                ),
            )

        self.sweep(ways)

    def test_web_search_read_with_the_relations_display_names_names_no_one(self):
        def ways(Model, fields):
            specification = {
                name: (
                    {"fields": {"display_name": {}}}
                    if field["type"] in ("many2one", "one2many", "many2many")
                    else {}
                )
                for name, field in fields.items()
            }
            yield "web_search_read", lambda: Model.web_search_read([], specification)

        self.sweep(ways)

    def test_name_search_and_read_group_name_no_one(self):
        def ways(Model, fields):
            for token in (SECRET["last_name"][:6], FOREIGN["last_name"][:6], ""):
                yield (
                    f"name_search {token!r}",
                    lambda token=token: Model.name_search(token, limit=1000),
                )
            for name, field in fields.items():
                if field["type"] == "many2one" and Model._fields[name].store:
                    yield (
                        f"read_group by {name}",
                        lambda name=name: Model.read_group([], ["__count"], [name]),
                    )

        self.sweep(ways)

    # ---- Writing ----
    def owned(self, person):
        records = {"siao.detainee": person}
        records.update(
            {
                model: records_
                for model, records_ in person._owned_records().items()
                if records_
            }
        )
        return records

    def test_linking_a_file_one_may_not_read_is_refused_before_any_check(self):
        """Every many2one of the swept models that can point at a file or at a
        record of a file, given one that the role may not read: refused (access),
        naming no one, nothing saved."""
        targets = {}
        for person in (self.secret, self.foreign):
            for model, records in self.owned(person).items():
                targets.setdefault(model, records[:1])
        wrong = []

        def ways(Model, fields):
            for name in fields:
                field = Model._fields[name]
                if field.type != "many2one" or field.comodel_name not in targets:
                    continue
                target = targets[field.comodel_name]
                yield (
                    f"create with {name}",
                    lambda name=name, target=target: Model.create({name: target.id}),
                )
                if field.readonly:
                    continue  # a default of a field the rules set is dropped
                yield (
                    f"create with default_{name} in the context",
                    lambda name=name, target=target: Model.with_context(
                        **{f"default_{name}": target.id}
                    ).create({}),
                )
                yield (
                    f"onchange of {name}",
                    lambda name=name, target=target: Model.onchange(
                        {name: target.id}, [name], {n: {} for n in fields}
                    ),
                )
                mine = self.writable_record(Model)
                if mine:
                    yield (
                        f"write {name}",
                        lambda name=name, target=target, mine=mine: mine.write(
                            {name: target.id}
                        ),
                    )

        found = []
        for role, user in self.roles.items():
            for model in self.swept_models():
                Model = self.env[model].with_user(user)
                for way, call in ways(Model, self.readable_fields(Model)):
                    error = self.ask(found, role, model, way, call)
                    if not isinstance(error, AccessError):
                        wrong.append(f"{role} / {model} / {way}: {error!r}")
        self.assertFalse(found, "\n".join(found))
        self.assertFalse(wrong, "not refused as an access:\n" + "\n".join(wrong))

    def test_creations_that_hit_a_constraint_name_no_one(self):
        """A copy of each record of the files, for a person the role may read (so
        that it collides with the original: the same place and dates, the same
        references...), created and written by every role: whatever the answer,
        it names no one."""
        copies = []
        for person in (self.secret, self.foreign):
            for model, records in self.owned(person).items():
                for record in records:
                    vals = record.copy_data()[0]
                    for name in list(vals):
                        field = record._fields[name]
                        if field.type == "many2one" and field.comodel_name == (
                            "siao.detainee"
                        ):
                            vals[name] = self.visible.id
                        elif field.type in ("one2many", "many2many") or (
                            field.type == "many2one"
                            and field.comodel_name.startswith("siao.")
                        ):
                            vals.pop(name)
                    copies.append((model, vals))
        found = []
        for role, user in self.roles.items():
            for model, vals in copies:
                Model = self.env[model].with_user(user)
                self.ask(
                    found,
                    role,
                    model,
                    "create",
                    lambda Model=Model, vals=vals: Model.create(vals),
                )
                mine = self.writable_record(Model)
                if mine:
                    self.ask(
                        found,
                        role,
                        model,
                        "write",
                        lambda mine=mine, vals=vals: mine.write(vals),
                    )
        self.assertFalse(found, "\n".join(found))

    def test_booking_over_a_confidential_reservation_names_no_one(self):
        reservation = self.secret.reservation_ids
        for user in (self.worker_2, self.reader, self.accountant, self.portal):
            with self.subTest(user=user.login):
                found = []
                self.ask(
                    found,
                    user.login,
                    "siao.housing.reservation",
                    "create",
                    lambda: self.env["siao.housing.reservation"]  # noqa: B023
                    .with_user(user)  # noqa: B023
                    .create(
                        {
                            "place_id": reservation.place_id.id,
                            "detainee_id": self.visible.id,
                            "date_from": reservation.date_from,
                        }
                    ),
                )
                self.assertFalse(found)
        self.assertEqual(
            self.env["siao.housing.reservation"].search_count(
                [("place_id", "=", reservation.place_id.id)]
            ),
            1,
        )

    # ---- Wizards and uploads ----
    def test_transient_records_are_their_creators_only(self):
        """Every transient model of the addon, and the standard import's uploads:
        the records the referent left are read by no one else, coordinators
        included; the referent still reads them."""
        manager_2 = self._user("siao_manager_2", "siao_justice.group_siao_manager")
        accountant_2 = self._user(
            "siao_accountant_2", "siao_justice.group_siao_reporting"
        )
        self.env["siao.cpom.report.wizard"].with_user(accountant_2).create(
            {"date_from": date(2024, 1, 1), "date_to": date(2024, 12, 31)}
        ).action_export()
        transient = [
            name
            for name in self.swept_models()
            if self.env[name]._transient
            and self.env[name]._original_module in ("siao_justice", "base_import")
        ]
        self.assertIn("base_import.import", transient)
        others = [*self.roles.values(), self.manager, manager_2, accountant_2]
        for model in transient:
            left = self.env[model].search(
                [("create_uid", "in", (self.worker.id, accountant_2.id))]
            )
            self.assertTrue(left, f"the setup leaves a {model}")
            for user in others:
                if user in left.create_uid:
                    continue
                with self.subTest(model=model, user=user.login):
                    Model = self.env[model].with_user(user)
                    try:
                        seen = Model.search([("id", "in", left.ids)])
                    except AccessError:
                        continue
                    self.assertFalse(seen)
                    with self.assertRaises(AccessError):
                        left.with_user(user).read(["create_uid"])
            creator = left.create_uid[:1]
            if not self.env[model].with_user(creator).has_access("read"):
                continue
            self.assertEqual(
                self.env[model].with_user(creator).search([("id", "in", left.ids)]),
                left.filtered(lambda r, creator=creator: r.create_uid == creator),
            )

    def test_a_workbook_is_downloaded_by_its_accountant_only(self):
        accountant_2 = self._user(
            "siao_accountant_3", "siao_justice.group_siao_reporting"
        )
        wizard = (
            self.env["siao.cpom.report.wizard"]
            .with_user(self.accountant)
            .create({"date_from": date(2024, 1, 1), "date_to": date(2024, 12, 31)})
        )
        wizard.action_export()
        self.assertTrue(base64.b64decode(wizard.file_data).startswith(b"PK"))
        with self.assertRaises(AccessError):
            wizard.with_user(accountant_2).read(["file_data"])

    # ---- The minutes ----
    def test_minutes_show_a_confidential_case_without_its_name(self):
        meeting = (
            self.secret.env["siao.commission.line"]
            .search([("detainee_id", "=", self.secret.id)])
            .meeting_id
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("siao_justice.report_commission_minutes", meeting.ids)[0]
            .decode()
        )
        self.assertFalse(self.leaks(html))
        self.assertIn("Confidential file", html)

    # ---- Followers ----
    def test_a_confidential_file_is_followed_only_by_those_who_read_it(self):
        person = self.create_person(
            last_name="Suivi", consent_date=self.today, consent_scope="siao_spip"
        )
        outsiders = (self.worker_2 | self.reader).partner_id
        person.message_subscribe(partner_ids=outsiders.ids)
        self.assertTrue(outsiders <= person.message_partner_ids)
        person.confidential = True
        self.assertFalse(outsiders & person.message_partner_ids)
        person.message_subscribe(partner_ids=self.worker_2.partner_id.ids)
        self.assertNotIn(self.worker_2.partner_id, person.message_partner_ids)
        message = person.message_post(
            body=f"{FREE_TEXT} secret", message_type="comment"
        )
        for user in (self.worker_2, self.reader):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                message.with_user(user).read(["body"])

    # ---- Who reads a confidential file, and what is done for them ----
    def test_the_avdl_worker_reads_the_file_while_the_measure_is_open(self):
        person = self.create_person(last_name="Suivie", confidential=True)
        measure = self.env["siao.avdl.measure"].create(
            {"detainee_id": person.id, "user_id": self.worker_2.id}
        )
        self.assertTrue(person.with_user(self.worker_2).has_access("read"))
        self.assertFalse(person.with_user(self.worker_2).has_access("write"))
        measure.action_cancel()
        self.assertFalse(person.with_user(self.worker_2).has_access("read"))
        self.assertFalse(measure.with_user(self.worker_2).has_access("read"))

    def test_nothing_of_a_confidential_file_is_assigned_to_who_cannot_read_it(self):
        person = self.create_person(last_name="Gardée", confidential=True)
        with self.assertRaises(ValidationError):
            person.with_user(self.worker).activity_schedule(
                "mail.mail_activity_data_todo", user_id=self.worker_2.id
            )
        with self.assertRaises(ValidationError):
            self.env["siao.request"].create(
                {"detainee_id": person.id, "user_id": self.worker_2.id}
            )
        # An activity of one's own cannot be moved onto a file one may not change.
        mine = self.visible.with_user(self.worker_2).activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.worker_2.id
        )
        with self.assertRaises(AccessError):
            mine.with_user(self.worker_2).write({"res_id": person.id})
        # A file made confidential: the activities of those who no longer read it go
        # to its referent.
        other = self.create_person(last_name="Bientôt gardée")
        activity = other.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.worker_2.id
        )
        other.confidential = True
        self.assertEqual(activity.user_id, self.worker)

    def test_a_record_stays_with_its_persons_file(self):
        request = self.secret.request_ids
        with self.assertRaises(ValidationError):
            request.with_user(self.worker).write({"detainee_id": self.visible.id})
        self.assertEqual(request.detainee_id, self.secret)

    def test_minutes_are_rendered_again_when_a_file_becomes_confidential(self):
        person = self.create_person(last_name="Publique")
        meeting = self.env["siao.commission.meeting"].create({"date": datetime.now()})
        meeting.action_start()
        self.env["siao.commission.line"].create(
            {"meeting_id": meeting.id, "detainee_id": person.id, "decision": "maintain"}
        )
        meeting.action_close()
        before = meeting.minutes_attachment_id
        person.with_user(self.worker).confidential = True
        self.assertTrue(meeting.minutes_attachment_id)
        self.assertNotEqual(meeting.minutes_attachment_id, before)
        self.assertFalse(before.exists())

    def test_a_user_who_no_longer_reads_a_file_no_longer_follows_it(self):
        """The role or the companies of a user change: the files they no longer
        read lose them as follower, and their activities there go to the referent."""
        person = self.create_person(
            last_name="Changée", consent_date=self.today, consent_scope="siao_spip"
        )
        person.message_subscribe(
            partner_ids=(self.worker_2 | self.reader).partner_id.ids
        )
        activity = person.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.worker_2.id
        )
        # Another role: a plain internal user.
        self.worker_2.write(
            {"groups_id": [(6, 0, self.env.ref("base.group_user").ids)]}
        )
        self.assertNotIn(self.worker_2.partner_id, person.message_partner_ids)
        self.assertEqual(activity.user_id, self.worker)
        # Another company.
        self.assertIn(self.reader.partner_id, person.message_partner_ids)
        self.reader.write(
            {
                "company_ids": [(6, 0, self.company_b.ids)],
                "company_id": self.company_b.id,
            }
        )
        self.assertNotIn(self.reader.partner_id, person.message_partner_ids)
        # Through the group: a worker removed from the SIAO groups.
        other = self.create_person(last_name="Suivie par groupe")
        worker_3 = self._user("siao_worker_3", "siao_justice.group_siao_user")
        other.message_subscribe(partner_ids=worker_3.partner_id.ids)
        self.assertIn(worker_3.partner_id, other.message_partner_ids)
        for xmlid in ("group_siao_user", "group_siao_reader"):
            self.env.ref(f"siao_justice.{xmlid}").write({"users": [(3, worker_3.id)]})
        self.assertNotIn(worker_3.partner_id, other.message_partner_ids)

    def test_a_former_avdl_worker_no_longer_follows_the_file(self):
        person = self.create_person(last_name="Accompagnée", confidential=True)
        measure = self.env["siao.avdl.measure"].create(
            {"detainee_id": person.id, "user_id": self.worker_2.id}
        )
        person.message_subscribe(partner_ids=self.worker_2.partner_id.ids)
        self.assertIn(self.worker_2.partner_id, person.message_partner_ids)
        measure.action_cancel()
        self.assertNotIn(self.worker_2.partner_id, person.message_partner_ids)
        self.assertNotIn(self.worker_2.partner_id, measure.message_partner_ids)

    def test_only_the_referent_or_a_coordinator_chooses_who_reads_a_file(self):
        person = self.create_person(last_name="Choisie", confidential=True)
        self.env["siao.avdl.measure"].create(
            {"detainee_id": person.id, "user_id": self.worker_2.id}
        )
        # worker_2 reads the file now, as its AVDL worker, and may not widen it
        with self.assertRaises(AccessError):
            self.env["siao.avdl.measure"].with_user(self.worker_2).create(
                {"detainee_id": person.id, "user_id": self.reader.id}
            )
        for field, user in (("user_id", self.accountant), ("user_id", self.internal)):
            with self.subTest(user=user.login), self.assertRaises(ValidationError):
                person.write({field: user.id})
        self.assertEqual(person.user_id, self.worker)

    def test_the_inbox_counts_only_the_messages_it_shows(self):
        for role, user in self.roles.items():
            with self.subTest(role=role):
                partner = user.partner_id.with_user(user)
                shown = (
                    self.env["mail.message"]
                    .with_user(user)
                    .search([("needaction", "=", True)])
                )
                self.assertFalse(self.leaks(shown.mapped("body")))
                self.assertEqual(partner._get_needaction_count(), len(shown))
                # The fixture's message was sent to them: Odoo alone counts it.
                self.assertGreater(partner.sudo()._get_needaction_count(), len(shown))

    def test_a_confidential_files_messages_name_no_one(self):
        person = self.create_person(last_name="Discrète")
        old = person.message_post(body="Avant", message_type="comment")
        self.assertIn("DISCRÈTE", old.record_name)
        person.confidential = True
        self.assertEqual(old.record_name, "Confidential file")
        new = person.message_post(
            body="Après",
            message_type="comment",
            partner_ids=(self.worker_2 | self.worker).partner_id.ids,
        )
        self.assertEqual(new.record_name, "Confidential file")
        self.assertEqual(new.partner_ids, self.worker.partner_id)

    def test_internal_creations_ignore_what_the_context_says_of_the_rules_fields(self):
        request = (
            self.env["siao.request"]
            .with_context(
                default_state="admitted",
                default_request_date="2001-01-01",
                default_name="FORGED",
            )
            .create({"detainee_id": self.visible.id})
        )
        self.assertEqual(request.state, "draft")
        self.assertFalse(request.request_date)
        self.assertNotEqual(request.name, "FORGED")

    def test_a_reply_to_a_message_one_may_not_read_names_no_one(self):
        foreign_message = self.foreign.message_ids.filtered("record_name")[:1]
        self.assertTrue(foreign_message)
        for user in (self.worker_2, self.reader):
            with self.subTest(user=user.login):
                found = []
                self.ask(
                    found,
                    user.login,
                    "mail.compose.message",
                    "create with parent_id",
                    lambda user=user: self.env["mail.compose.message"]
                    .with_user(user)
                    .create({"parent_id": foreign_message.id, "body": "x"})
                    .read(["record_name", "subject"]),
                )
                self.assertFalse(found, found)

    def test_the_rules_spell_no_state(self):
        """The record rules, data, read the models' own flags (an open measure,
        an open request): no rule of the addon writes a list of states again."""
        rules = (
            self.env["ir.rule"]
            .search([])
            .filtered(
                lambda rule: rule.get_external_id()[rule.id].startswith("siao_justice.")
            )
        )
        self.assertTrue(rules)
        states = {
            state
            for name in self.env.registry
            if name.startswith("siao.")
            and self.env[name]._fields.get("state", fields.Char()).type == "selection"
            for state in self.env[name]._fields["state"].get_values(self.env)
        }
        self.assertIn("pre_entry", states)
        for rule in rules:
            for state in states:
                self.assertNotIn(f"'{state}'", rule.domain_force or "", rule.name)
