"""Fill a fresh siao_justice database with realistic data at a chosen scale.

Usage (through ``make bench``): python bench/generate.py SCALE -- <odoo options>

Reference records (companies, prisons, structures, users) go through the ORM; the
bulk (persons, requests and their history, resources checklists, AVDL measures,
places, reservations, commissions and their agendas) is written by set-based SQL
inside PostgreSQL, then the stored computed columns are filled the same way.
Deterministic: ``setseed`` fixes PostgreSQL's random().
"""

import sys
import time

from benchlib import (
    LOAD_PASSWORD,
    LOAD_USERS,
    PEER_PROJECT,
    PORTAL_PERSONS,
    PORTAL_USERS,
    open_registry,
)

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL, split_every

LAST_NAMES = (
    "MARTIN BERNARD THOMAS PETIT ROBERT RICHARD DURAND DUBOIS MOREAU LAURENT SIMON "
    "MICHEL LEFEBVRE LEROY ROUX DAVID BERTRAND MOREL FOURNIER GIRARD BONNET DUPONT "
    "LAMBERT FONTAINE ROUSSEAU VINCENT MULLER LEFEVRE FAURE ANDRE MERCIER BLANC "
    "GUERIN BOYER GARNIER CHEVALIER FRANCOIS LEGRAND GAUTHIER GARCIA PERRIN ROBIN "
    "CLEMENT MORIN NICOLAS HENRY ROUSSEL MATHIEU GAUTIER MASSON MARCHAND DUVAL "
    "DENIS DUMONT MARIE LEMAIRE NOEL MEYER DUFOUR MEUNIER BRUN BLANCHARD GIRAUD "
    "JOLY RIVIERE LUCAS BRUNET GAILLARD BARBIER ARNAUD MARTINEZ GERARD ROCHE "
    "RENARD SCHMITT ROY LEROUX COLIN VIDAL CARON PICARD ROGER FABRE AUBERT "
    "LEMOINE RENAUD DUMAS LACROIX OLIVIER PHILIPPE BOURGEOIS PIERRE BENOIT REY "
    "LECLERC PAYET ROLLAND LECLERCQ GUILLAUME LECOMTE LOPEZ JEAN DUPUY GUILLOT "
    "HUBERT BERGER CARPENTIER SANCHEZ DUPUIS MOULIN LOUIS DESCHAMPS HUET VASSEUR "
    "PEREZ BOUCHER FLEURY ROYER KLEIN JACQUET ADAM PARIS POIRIER MARTY AUBRY "
    "GUYOT CARRE CHARLES RENAULT CHARPENTIER MENARD MAILLARD BARON BERTIN BAILLY "
    "HERVE SCHNEIDER FERNANDEZ LE GALL COLLET LEGER BOUVIER JULIEN PREVOST MILLET"
).split()
FIRST_NAMES = (
    "Lucas Hugo Louis Nathan Gabriel Jules Enzo Arthur Raphaël Mathis Léo Tom Théo "
    "Ethan Noah Maël Adam Sacha Mohamed Karim Yanis Mehdi Rayan Bilal Kevin Thomas "
    "Nicolas Julien Maxime Alexandre Antoine Romain Sébastien Guillaume Jérôme "
    "Christophe David Laurent Stéphane Frédéric Patrick Éric Pascal Olivier Marc "
    "Emma Léa Chloé Manon Camille Inès Sarah Laura Julie Marie Nadia Sonia Aurélie "
    "Céline Sandrine Nathalie Isabelle Fatima Samira Jessica"
).split()


def company_partners(env, company, town):
    """A company's prisons, SPIP and host structures."""
    Partner = env["res.partner"]
    prisons = Partner.create(
        [
            {
                "name": f"Établissement {town} {n}",
                "is_company": True,
                "siao_partner_type": "prison",
                "prison_type": ("ma", "cd", "cp", "csl", "ma", "cd")[n % 6],
                "company_id": company.id,
            }
            for n in range(1, 7)
        ]
    )
    spip = Partner.create(
        {
            "name": f"SPIP {town}",
            "is_company": True,
            "siao_partner_type": "spip",
            "company_id": company.id,
        }
    )
    structures = Partner.create(
        [
            {
                "name": f"CHRS {town} {n}",
                "is_company": True,
                "siao_partner_type": "host_structure",
                "company_id": company.id,
            }
            for n in range(1, 9)
        ]
    )
    return {"prisons": prisons, "spip": spip, "structures": structures}


def company_user(env, company, login, name, groups, password=None):
    """A user of the association working in ``company`` alone."""
    values = {
        "login": login,
        "name": name,
        "email": f"{login}@siao-justice.example",
        "company_id": company.id,
        "company_ids": [(6, 0, [company.id])],
        "groups_id": [(6, 0, (env.ref("base.group_user") | groups).ids)],
    }
    if password:
        values["password"] = password
    return env["res.users"].with_context(no_reset_password=True).create(values)


def company_staff(env, company, town, index, workers_per_company):
    """A company's workers and its coordinator."""
    # Users of Odoo's projects too: the peer board is read as the same user.
    group_user = env.ref("siao_justice.group_siao_user") | env.ref(
        "project.group_project_user"
    )
    workers = env["res.users"]
    for n in range(workers_per_company):
        workers |= company_user(
            env, company, f"worker{index}_{n}", f"Travailleur {town} {n}", group_user
        )
    manager = company_user(
        env,
        company,
        f"manager{index}",
        f"Coordination {town}",
        env.ref("siao_justice.group_siao_manager") | env.ref("base.group_allow_export"),
    )
    return {"workers": workers, "manager": manager}


def load_test_users(env, company):
    """The simulated users of the load test: workers of the first company (users
    of Odoo's projects too, for the peer board)."""
    group_user = env.ref("siao_justice.group_siao_user") | env.ref(
        "project.group_project_user"
    )
    users = env["res.users"]
    for n in range(LOAD_USERS):
        users |= company_user(
            env, company, f"load{n}", f"Charge {n}", group_user, LOAD_PASSWORD
        )
    return users


def portal_officers(env, company, spip):
    """The SPIP officers of the load test, with portal accounts."""
    Users = env["res.users"].with_context(no_reset_password=True)
    for n in range(PORTAL_USERS):
        contact = env["res.partner"].create(
            {
                "name": f"CPIP {n}",
                "parent_id": spip.id,
                "siao_spip_role": "cpip",
                "email": f"spip{n}@siao-justice.example",
            }
        )
        officer = Users.create(
            {
                "login": f"spip{n}",
                "password": LOAD_PASSWORD,
                "partner_id": contact.id,
                "company_id": company.id,
                "company_ids": [(6, 0, [company.id])],
                "groups_id": [(6, 0, env.ref("base.group_portal").ids)],
            }
        )
        # The coordinators' decision that makes them the SPIP's staff; it opens the
        # account afresh (an invitation), then the officer sets their password.
        env["siao.spip.access"].create(
            {
                "partner_id": contact.id,
                "spip_id": spip.id,
                "role": "cpip",
                "company_id": company.id,
            }
        )
        officer.write({"login": f"spip{n}", "password": LOAD_PASSWORD})


def reference_data(env, scale):
    """Two companies with their prisons, SPIP, structures, workers and managers."""
    main = env.ref("base.main_company")
    main.name = "SIAO du Haut-Rhin"
    second = env["res.company"].create({"name": "SIAO du Bas-Rhin"})
    # The simulated users log in with their password alone: a load test reads no
    # e-mailed code (a real database keeps two-factor authentication on).
    (main | second).siao_require_2fa = False
    workers_per_company = max(4, min(60, scale // 1500))
    out = {}
    for index, company in enumerate((main, second)):
        town = ("Colmar", "Strasbourg")[index]
        out[company.id] = {
            "company": company,
            **company_partners(env, company, town),
            **company_staff(env, company, town, index, workers_per_company),
        }
    out[main.id]["workers"] |= load_test_users(env, main)
    portal_officers(env, main, out[main.id]["spip"])
    return out


def sql_arrays(ref):
    """Per company: id arrays that the SQL below picks from."""
    rows = []
    for company_id, data in ref.items():
        rows.append(
            (
                company_id,
                data["prisons"].ids,
                data["spip"].id,
                data["structures"].ids,
                data["workers"].ids,
                data["manager"].id,
            )
        )
    return rows


def companies_table(cr, ref):
    """The companies the SQL below picks from (a temporary table)."""
    cr.execute("SELECT setseed(0.42)")
    cr.execute(
        """
        CREATE TEMP TABLE bench_company (
            company_id int, share float, prisons int[], spip int, structures int[],
            workers int[], manager int, retention int, lead int, alert int
        ) ON COMMIT DROP
        """,
    )
    for index, (company_id, prisons, spip, structures, workers, manager) in enumerate(
        sql_arrays(ref)
    ):
        cr.execute(
            """
            INSERT INTO bench_company
            SELECT %s, %s, %s, %s, %s, %s, %s, c.siao_retention_months,
                   c.siao_request_lead_months, c.siao_dry_exit_alert_days
              FROM res_company c WHERE c.id = %s
            """,
            (
                company_id,
                (0.6, 0.4)[index],
                prisons,
                spip,
                structures,
                workers,
                manager,
                company_id,
            ),
        )


def insert_persons(cr, scale):
    """Persons: incarcerated at some point over eight years, for 2 to 60 months."""
    cr.execute(
        """
        CREATE TEMP TABLE bench_person ON COMMIT DROP AS
        SELECT n,
               CASE WHEN random() < 0.6 THEN 0 ELSE 1 END AS company_index,
               random() AS r1, random() AS r2, random() AS r3, random() AS r4,
               (siao_today(1) - (random() * 2920)::int) AS incarceration_date,
               (2 + (random() * random() * 58)::int) AS sentence_months
          FROM generate_series(1, %s) AS n
        """,
        (scale,),
    )
    cr.execute(
        """
        INSERT INTO siao_detainee (
            company_id, user_id, prison_id, spip_id, last_name, first_name, name,
            gender, birthdate, pseudonym, prison_number, legal_status,
            adjustment_type, state, incarceration_date, sentence_months,
            sentence_end_date, expected_release_date, lsc_automatic_date,
            actual_release_date, release_outcome, dry_exit_reason,
            consent_date, consent_scope, last_contact_date, active, confidential,
            anonymised, has_housing_solution, create_uid, write_uid, create_date,
            write_date)
        SELECT c.company_id,
               c.workers[1 + (p.r1 * (array_length(c.workers, 1) - 1))::int],
               c.prisons[1 + (p.r2 * 5)::int],
               c.spip,
               (%(last)s::text[])[1 + (p.r3 * (%(nlast)s - 1))::int],
               (%(first)s::text[])[1 + (p.r4 * (%(nfirst)s - 1))::int],
               NULL, CASE WHEN p.r1 < 0.9 THEN 'male' ELSE 'female' END,
               p.incarceration_date - ((18 + p.r2 * 50) * 365)::int,
               md5(p.n::text || random()::text),
               lpad((p.n * 7919 %% 999983)::text, 6, '0') || '-' || p.n,
               CASE WHEN p.incarceration_date > siao_today(1) - 120 AND p.r3 < 0.5
                    THEN 'remand' ELSE 'convicted' END,
               'none', 'detained', p.incarceration_date, p.sentence_months,
               (p.incarceration_date
                + make_interval(months => p.sentence_months))::date,
               (p.incarceration_date
                + make_interval(months => (p.sentence_months * (0.6 + 0.4 * p.r4))::int)
               )::date,
               NULL, NULL, NULL, NULL,
               CASE WHEN p.r2 < 0.8 THEN p.incarceration_date + 20 END,
               CASE WHEN p.r2 < 0.8 THEN 'siao_spip' END,
               siao_today(1), true, p.r4 < 0.02, false, false,
               1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM bench_person p
          JOIN (SELECT row_number() OVER (ORDER BY company_id) - 1 AS idx, *
                  FROM bench_company) c ON c.idx = p.company_index
        """,
        {
            "last": list(LAST_NAMES),
            "nlast": len(LAST_NAMES),
            "first": list(FIRST_NAMES),
            "nfirst": len(FIRST_NAMES),
        },
    )


def derive_person_columns(cr):
    """Derived columns (remand without date, then the name and the LSC date by the
    addon's own SQL definitions of its computes), releases in the past."""
    from odoo.addons.siao_justice.models.siao_rules import (  # noqa: PLC0415
        estimated_release_sql,
        lsc_automatic_date_sql,
        person_name_sql,
    )

    cr.execute(
        """
        UPDATE siao_detainee d SET
            expected_release_date = CASE WHEN d.legal_status = 'remand' THEN NULL
                                         ELSE d.expected_release_date END
        """,
    )
    cr.execute(
        SQL(
            "UPDATE siao_detainee d SET name = %s, lsc_automatic_date = %s",
            person_name_sql("d"),
            lsc_automatic_date_sql("d"),
        )
    )

    cr.execute(
        SQL(
            "UPDATE siao_detainee d SET estimated_release_date = %s",
            estimated_release_sql("d"),
        )
    )
    cr.execute(
        """
        UPDATE siao_detainee d SET
            state = 'released',
            actual_release_date = d.expected_release_date,
            release_outcome = (ARRAY['housing', 'adapted_housing', 'shelter',
                                     'family', 'dry_exit', 'unknown'])
                              [1 + (abs(hashtext(d.pseudonym)) % 6)],
            last_contact_date = d.expected_release_date
                + (abs(hashtext(d.pseudonym || 'c')) % 200)
         WHERE d.expected_release_date < siao_today(1)
        """,
    )
    cr.execute(
        """
        UPDATE siao_detainee SET dry_exit_reason = 'no_place'
         WHERE release_outcome = 'dry_exit'
        """,
    )


def anonymise_old_files(env, cr):
    """The history has already been anonymised day after day by the nightly job."""
    from odoo.addons.siao_justice.models.siao_detainee_retention import (  # noqa: PLC0415
        anonymised_last_name_sql,
    )
    from odoo.addons.siao_justice.models.siao_rules import (  # noqa: PLC0415
        person_name_sql,
    )

    cr.execute(
        SQL(
            """
            UPDATE siao_detainee d SET
                last_name = %s, first_name = NULL,
                prison_number = NULL, consent_scope = NULL, anonymised = true,
                active = false,
                birthdate = date_trunc('year', d.birthdate)::date
              FROM bench_company c
             WHERE c.company_id = d.company_id AND d.state = 'released'
               AND d.last_contact_date
                   < (siao_today(1) - make_interval(months => c.retention))::date - 1
            """,
            anonymised_last_name_sql(env, "d"),
        )
    )
    cr.execute(
        SQL(
            "UPDATE siao_detainee d SET name = %s WHERE d.anonymised",
            person_name_sql("d"),
        )
    )


def insert_requests(cr):
    """SIAO requests: most persons have one; the released ones a closed one."""
    cr.execute(
        """
        INSERT INTO siao_request (
            detainee_id, user_id, company_id, name, prescriber_type, request_kind,
            state, request_date, recommended_orientation, orientation, structure_id,
            refusal_by, refusal_reason, admission_date, release_horizon, active,
            filed_in_time, create_uid, write_uid, create_date, write_date)
        SELECT d.id, d.user_id, d.company_id, 'SIAO/' || d.id,
               (ARRAY['spip', 'spip_social_worker', 'avdl', 'siao_office'])
                   [1 + (abs(hashtext(d.pseudonym || 'p')) % 4)],
               CASE WHEN abs(hashtext(d.pseudonym || 'k')) % 5 = 0
                    THEN 'emergency' ELSE 'insertion' END,
               s.state,
               CASE WHEN s.state <> 'draft' THEN
                   COALESCE(d.expected_release_date, siao_today(1) + 90)
                   - 20 - (abs(hashtext(d.pseudonym || 'd')) % 150) END,
               'chrs',
               CASE WHEN s.state IN ('oriented', 'proposed', 'admitted', 'refused')
                    THEN (ARRAY['chrs', 'chu', 'residence_sociale', 'pension_famille'])
                         [1 + (abs(hashtext(d.pseudonym || 'o')) % 4)] END,
               CASE WHEN s.state IN ('proposed', 'admitted')
                    THEN c.structures[1 + (abs(hashtext(d.pseudonym || 's')) % 8)]
               END,
               CASE WHEN s.state = 'refused' THEN 'structure' END,
               CASE WHEN s.state = 'refused' THEN 'no_place' END,
               CASE WHEN s.state = 'admitted' THEN COALESCE(d.actual_release_date,
                   d.expected_release_date, siao_today(1)) END,
               d.release_horizon, true,
               abs(hashtext(d.pseudonym || 't')) % 3 > 0,
               1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM siao_detainee d
          JOIN bench_company c ON c.company_id = d.company_id
          CROSS JOIN LATERAL (SELECT CASE
               WHEN d.state = 'released' THEN
                   (ARRAY['admitted', 'admitted', 'refused', 'cancelled'])
                   [1 + (abs(hashtext(d.pseudonym || 'r')) % 4)]
               ELSE
                   (ARRAY['draft', 'submitted', 'submitted', 'to_update', 'oriented',
                          'proposed', 'admitted'])
                   [1 + (abs(hashtext(d.pseudonym || 'r')) % 7)]
               END AS state) s
         WHERE abs(hashtext(d.pseudonym || 'q')) % 10 < 7
        """,
    )


def insert_request_history(cr):
    """The requests' history: the submission, the orientation and proposal on the
    way, then the last step."""
    cr.execute(
        """
        INSERT INTO siao_request_history (
            request_id, company_id, user_id, event, from_state, to_state, date,
            refusal_by, refusal_reason, create_uid, write_uid, create_date,
            write_date)
        SELECT r.id, r.company_id, r.user_id, 'submit', 'draft', 'submitted',
               r.request_date, NULL, NULL, 1, 1, now() at time zone 'UTC',
               now() at time zone 'UTC'
          FROM siao_request r WHERE r.request_date IS NOT NULL
        UNION ALL
        SELECT r.id, r.company_id, r.user_id, 'orient', 'submitted', 'oriented',
               LEAST(r.request_date + 2 + (r.id % 5), siao_today(1)), NULL, NULL, 1, 1,
               now() at time zone 'UTC', now() at time zone 'UTC'
          FROM siao_request r
         WHERE r.state IN ('proposed', 'admitted') AND r.request_date IS NOT NULL
        UNION ALL
        SELECT r.id, r.company_id, r.user_id, 'propose', 'oriented', 'proposed',
               LEAST(r.request_date + 7 + (r.id % 3), siao_today(1)), NULL, NULL, 1, 1,
               now() at time zone 'UTC', now() at time zone 'UTC'
          FROM siao_request r
         WHERE r.state = 'admitted' AND r.request_date IS NOT NULL
        UNION ALL
        SELECT r.id, r.company_id, r.user_id,
               (CASE r.state WHEN 'oriented' THEN 'orient'
                    WHEN 'proposed' THEN 'propose' WHEN 'admitted' THEN 'admit'
                    WHEN 'refused' THEN 'refuse' WHEN 'cancelled' THEN 'cancel'
                    ELSE 'to_update' END),
               (CASE r.state WHEN 'admitted' THEN 'proposed'
                    WHEN 'proposed' THEN 'oriented' ELSE 'submitted' END),
               r.state,
               LEAST(r.request_date + 10 + (r.id % 60), siao_today(1)),
               r.refusal_by, r.refusal_reason, 1, 1, now() at time zone 'UTC',
               now() at time zone 'UTC'
          FROM siao_request r
         WHERE r.state NOT IN ('draft', 'submitted') AND r.request_date IS NOT NULL
        """,
    )
    cr.execute(
        """
        UPDATE siao_request r SET oriented_date = h.oriented, admitted_date = h.admitted
          FROM (SELECT request_id,
                       min(date) FILTER (WHERE event = 'orient') AS oriented,
                       min(date) FILTER (WHERE event = 'admit') AS admitted
                  FROM siao_request_history
                 WHERE event IN ('orient', 'admit') GROUP BY request_id) h
         WHERE h.request_id = r.id
        """,
    )
    cr.execute(
        """
        UPDATE siao_detainee d SET current_request_id = r.id, request_state = r.state
          FROM siao_request r WHERE r.detainee_id = d.id
        """,
    )


def insert_resource_rights(cr):
    """Resources to reopen before release: the usual checklist of the detained."""
    cr.execute(
        """
        INSERT INTO siao_resource_right (
            detainee_id, company_id, sequence, right_type, status, create_uid,
            write_uid, create_date, write_date)
        SELECT d.id, d.company_id, t.seq, t.right_type,
               (ARRAY['todo', 'prepared', 'reopened', 'na'])
                   [1 + (abs(hashtext(d.pseudonym || t.right_type)) % 4)],
               1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM siao_detainee d
          CROSS JOIN (VALUES (10, 'rsa'), (20, 'css'), (30, 'id_document'))
               AS t(seq, right_type)
         WHERE d.state = 'detained'
        """,
    )
    cr.execute(
        """
        UPDATE siao_detainee d SET resource_progress = r.done || '/' || r.total
          FROM (SELECT detainee_id, count(*) FILTER (WHERE status != 'todo') AS done,
                       count(*) AS total
                  FROM siao_resource_right GROUP BY detainee_id) r
         WHERE r.detainee_id = d.id
        """,
    )


def insert_measures(cr):
    """AVDL Justice measures: one in twelve released persons, mostly closed."""
    cr.execute(
        """
        INSERT INTO siao_avdl_measure (
            detainee_id, user_id, company_id, name, state, referral_date,
            file_from, file_until, housing_entry_date, period_months,
            renewal_count, end_date, housing_type, closing_date, closing_reason,
            create_uid, write_uid, create_date, write_date)
        SELECT d.id, c.workers[1], d.company_id, 'AVDL ' || d.name,
               m.state, d.actual_release_date - 30, d.actual_release_date - 30,
               CASE WHEN m.state = 'closed' THEN d.actual_release_date + 180 END,
               d.actual_release_date, 6, 0,
               (d.actual_release_date + interval '6 months')::date,
               'chrs',
               CASE WHEN m.state = 'closed' THEN d.actual_release_date + 180 END,
               CASE WHEN m.state = 'closed' THEN 'housing_kept' END,
               1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM siao_detainee d
          JOIN bench_company c ON c.company_id = d.company_id
          CROSS JOIN LATERAL (SELECT CASE
               WHEN d.actual_release_date > siao_today(1) - 150 THEN 'active'
               ELSE 'closed' END AS state) m
         WHERE d.state = 'released' AND abs(hashtext(d.pseudonym || 'a')) % 12 = 0
        """,
    )


def insert_places(cr, scale):
    """Places (one per 150 persons) and their successive reservations."""
    cr.execute(
        """
        INSERT INTO siao_housing_place (
            structure_id, company_id, name, place_type, state, available_from,
            justice_reserved, active, create_uid, write_uid, create_date,
            write_date)
        SELECT c.structures[1 + (g %% 8)], c.company_id, 'Place ' || g, 'chrs',
               'free', siao_today(1) - 3000, g %% 3 = 0, true, 1, 1,
               now() at time zone 'UTC', now() at time zone 'UTC'
          FROM bench_company c
          CROSS JOIN generate_series(1, greatest(10, (%s * c.share / 150)::int)) g
        """,
        (scale,),
    )
    cr.execute(
        """
        INSERT INTO siao_housing_reservation (
            place_id, detainee_id, company_id, kind, state, date_from, date_to,
            create_uid, write_uid, create_date, write_date)
        WITH slot AS (
            SELECT pl.id AS place_id, pl.company_id, k,
                   row_number() OVER (PARTITION BY pl.company_id ORDER BY k, pl.id)
                       AS rank
              FROM siao_housing_place pl CROSS JOIN generate_series(0, 14) k),
        person AS (
            SELECT d.id, d.company_id,
                   row_number() OVER (PARTITION BY d.company_id ORDER BY d.id)
                       AS rank
              FROM siao_detainee d WHERE d.state = 'released')
        SELECT s.place_id, p.id, s.company_id, 'occupation', 'confirmed',
               siao_today(1) - 2900 + s.k * 200, siao_today(1) - 2900 + s.k * 200 + 180,
               1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM slot s JOIN person p ON p.company_id = s.company_id AND p.rank = s.rank
        """,
    )


def insert_commissions(cr):
    """Monthly commissions over eight years, each with its agenda and decisions."""
    cr.execute(
        """
        INSERT INTO siao_commission_meeting (
            company_id, name, location, state, month, scheduled, date, create_uid,
            write_uid, create_date, write_date)
        SELECT c.company_id, 'Commission justice ' || to_char(m, 'DD/MM/YYYY'),
               'SPIP', 'closed', m::date, true, m + interval '13 days 8 hours',
               1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM bench_company c
          CROSS JOIN generate_series(
              date_trunc('month', siao_today(1) - 2920),
              date_trunc('month', siao_today(1)) - interval '1 month',
              interval '1 month') m
        """,
    )
    cr.execute(
        """
        INSERT INTO siao_commission_line (
            meeting_id, company_id, sequence, detainee_id, request_id,
            release_horizon, decision, expected_release_date, create_uid,
            write_uid, create_date, write_date)
        SELECT m.id, m.company_id, row_number() OVER (PARTITION BY m.id),
               pick.id, pick.current_request_id, 'm3',
               (ARRAY['maintain', 'file_request', 'orient', 'reserve_place',
                      'avdl_referral', 'postpone', 'close'])[1 + (pick.id % 7)],
               pick.expected_release_date, 1, 1, now() at time zone 'UTC',
               now() at time zone 'UTC'
          FROM siao_commission_meeting m
          CROSS JOIN LATERAL (
              SELECT d.id, d.current_request_id, d.expected_release_date
                FROM siao_detainee d
               WHERE d.company_id = m.company_id
                 AND d.incarceration_date <= m.month
                 AND d.expected_release_date
                     BETWEEN m.month AND m.month + interval '6 months'
               LIMIT 40) pick
        """,
    )


def bulk(env, scale, ref):
    """The bulk of the data, table by table, in SQL."""
    cr = env.cr
    companies_table(cr, ref)
    insert_persons(cr, scale)
    derive_person_columns(cr)
    anonymise_old_files(env, cr)
    insert_requests(cr)
    insert_request_history(cr)
    insert_resource_rights(cr)
    insert_measures(cr)
    insert_places(cr, scale)
    insert_commissions(cr)


def portal_referents(env):
    """Each SPIP officer of the load test is SPIP referent of PORTAL_PERSONS files
    shared with the SPIP (the consent's sharing, as the addon computes it); the
    portal's own rule then says what they see."""
    cr = env.cr
    officers = env["res.users"].search([("login", "=like", "spip%")], order="id")
    if officers:
        shared = env["siao.detainee"].search(
            [
                ("company_id", "=", officers[0].company_id.id),
                ("sharing_group_id", "=", env.ref("siao_justice.group_siao_reader").id),
            ],
            limit=len(officers) * PORTAL_PERSONS,
            order="id",
        )
        cr.execute(
            SQL(
                """UPDATE siao_detainee d
                      SET spip_referent_id = (%s::int[])[1 + mod(s.k, %s)]
                     FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k
                             FROM siao_detainee WHERE id = ANY(%s)) s
                    WHERE s.id = d.id""",
                officers.partner_id.ids,
                len(officers),
                shared.ids,
            )
        )
        env.invalidate_all()
        seen = env["siao.detainee"].search_count(
            env["siao.detainee"]._portal_domain(officers[0])
        )
        print(f"portal: {len(officers)} SPIP officers, {seen} persons shown to each")


def finish(env):
    """Stored computed values that depend on today, through the addon's own code."""
    # The addon's own definitions (importable once the registry is open).
    from odoo.addons.siao_justice.models.siao_avdl_measure import (
        IN_FILE_STATES,
        OPEN_MEASURE_STATES,
    )
    from odoo.addons.siao_justice.models.siao_request import (
        ANSWERING_STATES,
        OPEN_STATES,
    )
    from odoo.addons.siao_justice.models.siao_rules import housing_solution_sql

    cr = env.cr
    env["siao.detainee"]._cron_update_release_horizon()
    # Each file's current stay, and whom it is shared with (consent), through the
    # addon's own code.
    Person = env["siao.detainee"].with_context(active_test=False)
    Person._start_missing_stays()
    # The flags the views and rules read, from the addon's own lists of states.
    cr.execute(SQL("UPDATE siao_request SET is_open = state IN %s", OPEN_STATES))
    cr.execute(
        SQL(
            "UPDATE siao_avdl_measure SET is_open = state IN %s, "
            "in_active_file = state IN %s",
            OPEN_MEASURE_STATES,
            IN_FILE_STATES,
        )
    )
    cr.execute(
        SQL(
            "UPDATE siao_detainee SET has_current_request = "
            "COALESCE(request_state IN %s, false)",
            ANSWERING_STATES,
        )
    )
    # The addon's one definition of a housing solution, for every file at once.
    cr.execute(
        SQL(
            "UPDATE siao_detainee d SET has_housing_solution = %s",
            housing_solution_sql(
                SQL("d.id"),
                SQL("d.current_stay_id"),
                SQL("d.estimated_release_date"),
                SQL("d.release_outcome"),
            ),
        )
    )
    persons = Person.search([])
    env.add_to_compute(Person._fields["sharing_group_id"], persons)
    persons.flush_recordset(["sharing_group_id"])
    portal_referents(env)
    # The requests' horizon is their person's (a stored related value): the ORM
    # writes it, by batches.
    Request = env["siao.request"].with_context(active_test=False)
    for batch in split_every(20000, Request.search([]).ids):
        env.add_to_compute(Request._fields["release_horizon"], Request.browse(batch))
        Request.flush_model(["release_horizon"])
        env.invalidate_all()
    env["siao.housing.place"]._cron_update_state()
    # The activities the nightly job has already scheduled in a running database:
    # the cards show them.
    started = time.perf_counter()
    alerts = env["siao.deadline.alert"]._schedule()
    print(
        f"deadline activities scheduled: {len(alerts)} "
        f"in {time.perf_counter() - started:.1f} s"
    )


# The peer: Odoo's own board of the same kind, a project's tasks grouped by stage
# with activities on the cards, filled with the same cards and activities as the
# person board (one task per detained person, in the stage of its release horizon,
# assigned to its referent, with its activities).
PEER_TASK_PREFIX = "Tâche témoin "


def peer_board(env):
    """The peer board, its tasks and activities written in SQL from the persons'."""
    from odoo.addons.siao_justice.models.siao_detainee import (  # noqa: PLC0415
        RELEASE_HORIZONS,
    )

    cr = env.cr
    # The company of the load test's users: their person board's.
    company = env["res.users"].search([("login", "=", "load0")]).company_id
    project = env["project.project"].create(
        {
            "name": PEER_PROJECT,
            "company_id": company.id,
            "privacy_visibility": "employees",
        }
    )
    stages = env["project.task.type"].create(
        [
            {"name": label, "sequence": index, "project_ids": [(6, 0, project.ids)]}
            for index, (_code, label) in enumerate(RELEASE_HORIZONS)
        ]
    )
    env.flush_all()
    horizons = [code for code, _label in RELEASE_HORIZONS]
    cr.execute(
        SQL(
            """
            INSERT INTO project_task (
                name, project_id, stage_id, company_id, state, display_in_project,
                active, priority, sequence, date_last_stage_update,
                create_uid, create_date, write_uid, write_date)
            SELECT %(prefix)s || d.id, %(project)s,
                   (%(stages)s)[array_position(%(horizons)s, d.release_horizon)],
                   %(company)s, '01_in_progress', true, true, '0', 10,
                   now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC', 1,
                   now() AT TIME ZONE 'UTC'
              FROM siao_detainee d
             WHERE d.state = 'detained' AND d.active AND d.company_id = %(company)s
            """,
            prefix=PEER_TASK_PREFIX,
            project=project.id,
            stages=stages.ids,
            horizons=horizons,
            company=company.id,
        )
    )
    cr.execute(
        SQL(
            """
            INSERT INTO project_task_user_rel (task_id, user_id)
            SELECT t.id, d.user_id
              FROM project_task t
              JOIN siao_detainee d ON t.name = %(prefix)s || d.id
             WHERE t.project_id = %(project)s AND d.user_id IS NOT NULL
            """,
            prefix=PEER_TASK_PREFIX,
            project=project.id,
        )
    )
    cr.execute(
        SQL(
            """
            INSERT INTO mail_activity (
                res_model_id, res_model, res_id, res_name, activity_type_id,
                summary, date_deadline, user_id, automated, active,
                create_uid, create_date, write_uid, write_date)
            SELECT %(model)s, 'project.task', t.id, t.name, a.activity_type_id,
                   a.summary, a.date_deadline, a.user_id, a.automated, true,
                   1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
              FROM mail_activity a
              JOIN project_task t ON t.name = %(prefix)s || a.res_id
             WHERE a.res_model = 'siao.detainee' AND t.project_id = %(project)s
            """,
            model=env["ir.model"]._get_id("project.task"),
            prefix=PEER_TASK_PREFIX,
            project=project.id,
        )
    )
    env.invalidate_all()
    cr.execute("SELECT count(*) FROM project_task WHERE project_id = %s", [project.id])
    tasks = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM mail_activity WHERE res_model = 'project.task'")
    print(f"peer board: {tasks} tasks, {cr.fetchone()[0]} activities")


def main():
    scale = int(sys.argv[1])
    registry = open_registry(sys.argv[sys.argv.index("--") + 1 :])
    started = time.perf_counter()
    with registry.cursor() as cr:
        env = api.Environment(
            cr, SUPERUSER_ID, {"tracking_disable": True, "lang": "fr_FR"}
        )
        ref = reference_data(env, scale)
        env.flush_all()
        bulk(env, scale, ref)
        env.invalidate_all()
        finish(env)
        env.flush_all()
        peer_board(env)
        counts = {}
        for model in (
            "siao.detainee",
            "siao.request",
            "siao.request.history",
            "siao.resource.right",
            "siao.avdl.measure",
            "siao.housing.place",
            "siao.housing.reservation",
            "siao.commission.meeting",
            "siao.commission.line",
        ):
            cr.execute(f"SELECT count(*) FROM {env[model]._table}")
            counts[model] = cr.fetchone()[0]
    took = time.perf_counter() - started
    print(f"generated in {took:.1f} s:")
    for model, count in counts.items():
        print(f"  {model:<28} {count:>9}")


if __name__ == "__main__":
    main()
