from datetime import date

from odoo.tests import TransactionCase, new_test_user


class SiaoCase(TransactionCase):
    """Users of every role, two companies, a prison: the stage of every test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))
        cls.company = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "SIAO du Bas-Rhin"})
        cls.prison = cls.env["res.partner"].create(
            {
                "name": "Maison d'arrêt de test",
                "is_company": True,
                "siao_partner_type": "prison",
                "prison_type": "ma",
            }
        )
        cls.manager = cls._user("siao_manager", "siao_justice.group_siao_manager")
        cls.worker = cls._user("siao_worker", "siao_justice.group_siao_user")
        cls.worker_2 = cls._user("siao_worker_2", "siao_justice.group_siao_user")
        cls.reader = cls._user("siao_reader", "siao_justice.group_siao_reader")
        cls.accountant = cls._user(
            "siao_accountant", "siao_justice.group_siao_reporting"
        )
        cls.internal = cls._user("plain_internal", "base.group_user")
        cls.worker_b = cls._user(
            "siao_worker_b", "siao_justice.group_siao_user", company=cls.company_b
        )
        cls.Person = cls.env["siao.detainee"]

    @classmethod
    def _user(cls, login, group, company=None):
        company = company or cls.company
        groups = (
            "base.group_user"
            if group == "base.group_user"
            else f"base.group_user,{group}"
        )
        return new_test_user(
            cls.env,
            login=login,
            groups=groups,
            company_id=company.id,
            company_ids=[(6, 0, company.ids)],
        )

    @classmethod
    def create_person(cls, **values):
        vals = {
            "last_name": "Martin",
            "first_name": "Paul",
            "prison_id": cls.prison.id,
            "legal_status": "convicted",
            "incarceration_date": date(2024, 1, 1),
            "user_id": cls.worker.id,
        }
        vals.update(values)
        return cls.env["siao.detainee"].create(vals)
