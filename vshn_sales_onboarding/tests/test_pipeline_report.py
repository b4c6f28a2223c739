# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.models import BaseModel
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.addons.vshn_sales_onboarding.models.vshn_onboarding_gate_mixin import (
    BYPASS_CONTEXT_KEY,
    GATE_BYPASS,
)

from .onboarding_common import OnboardingOrderCommon, make_offer_ready

MEASURES = [
    "__count",
    "recurring_revenue_monthly:sum",
    "expected_revenue:sum",
    "recurring_revenue_monthly_prorated:sum",
    "prorated_revenue:sum",
]


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestPipelineReport(OnboardingOrderCommon):
    """Pipeline figures per month and event, against a hand-computed fixture.

    Alpha (MRR 1,000, one-time 12,000, 40 %): created in January 2025, its
    offer sent in February, won in March (100 %). Beta (MRR 500, one-time
    5,000, 30 %): created in January, lost in February (0 %). Gamma (MRR 200,
    one-time 2,000, 50 %): created in February, open. A lead that never became
    an opportunity does not count. Other's deal (another salesperson's, MRR
    300, 10 %) is created in January too.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_other = mail_new_test_user(
            cls.env,
            login="onb_other_sales",
            name="Otto Other",
            groups="vshn_sales_onboarding.group_onboarding_user",
        )
        monthly = cls.env.ref("crm.crm_recurring_plan_monthly")
        customer = cls.env["res.partner"].create(
            {"name": "Pipeline Customer AG", "is_company": True}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Petra Pipeline", "parent_id": customer.id}
        )

        def deal(name, mrr, one_time, probability, user=cls.user_salesman):
            return {
                "name": name,
                "type": "opportunity",
                "partner_id": cls.contact.id,
                "user_id": user.id,
                "recurring_revenue": mrr,
                "recurring_plan": monthly.id,
                "expected_revenue": one_time,
                "probability": probability,
                "segment_id": cls.segment.id,
                "offering_type": "consulting",
                "date_deadline": "2025-04-30",
            }

        leads = cls.env["crm.lead"].create(
            [
                deal("Alpha", 1000.0, 12000.0, 40.0),
                deal("Beta", 500.0, 5000.0, 30.0),
                deal("Gamma", 200.0, 2000.0, 50.0),
                deal("Other's", 300.0, 3000.0, 10.0, user=cls.user_other),
                {
                    "name": "Just a lead",
                    "type": "lead",
                    "user_id": cls.user_salesman.id,
                    "expected_revenue": 999.0,
                },
            ]
        )
        cls.alpha, cls.beta, cls.gamma, cls.others, cls.plain_lead = leads
        make_offer_ready(cls.alpha, cls.user_tsm, cls.user_pm)
        order = cls._quotation(cls.alpha)
        with freeze_time("2025-02-12 10:00:00"):
            order.action_quotation_sent()
        with freeze_time("2025-03-03 10:00:00"):
            order.action_confirm()
        reason = cls.env["crm.lost.reason"].create({"name": "Too expensive"})
        with freeze_time("2025-02-20 10:00:00"):
            cls.beta.with_user(cls.user_salesman).action_set_lost(
                lost_reason_id=reason.id,
                lost_explanation="Chose a hyperscaler for the price.",
            )
        # creation is stamped by the database's clock: set it as it happened
        created = {
            cls.alpha: "2025-01-10 10:00:00",
            cls.beta: "2025-01-20 10:00:00",
            cls.gamma: "2025-02-05 10:00:00",
            cls.others: "2025-01-25 10:00:00",
            cls.plain_lead: "2025-01-15 10:00:00",
        }
        cls.env.flush_all()
        for lead, date in created.items():
            cls.env.cr.execute(
                SQL("UPDATE crm_lead SET create_date = %s WHERE id = %s", date, lead.id)
            )
        cls.env.invalidate_all()
        cls.mine = cls.alpha | cls.beta | cls.gamma

    @classmethod
    def _quotation(cls, lead):
        return (
            cls.env["sale.order"]
            .with_user(cls.user_salesman)
            .create(
                {
                    "partner_id": lead.partner_id.id,
                    "opportunity_id": lead.id,
                    "user_id": cls.user_salesman.id,
                    "order_line": [
                        Command.create(
                            {"product_id": cls.product.id, "product_uom_qty": 1}
                        )
                    ],
                }
            )
        )

    def _figures(self, groupby, leads=None, user=None):
        """``{group key: (count, MRR, one-time, weighted MRR, weighted one-time)}``"""
        report = self.env["vshn.pipeline.report"].with_user(user or self.env.user)
        figures = {}
        for row in report._read_group(
            [("lead_id", "in", (leads or self.mine).ids)], groupby, MEASURES
        ):
            keys = row[: len(groupby)]
            figures[
                tuple(key.id if isinstance(key, BaseModel) else key for key in keys)
            ] = tuple(row[len(groupby) :])
        return figures

    def test_fixture_events_happened(self):
        self.assertTrue(self.alpha.stage_id.is_won)
        self.assertEqual(self.alpha.probability, 100.0)
        self.assertFalse(self.beta.active)
        self.assertEqual(self.beta.probability, 0.0)
        self.assertEqual(self.alpha.offer_sent_date, datetime(2025, 2, 12, 10, 0))
        self.assertFalse(self.gamma.offer_sent_date)

    def test_figures_per_month(self):
        """count, MRR, one-time, weighted MRR, weighted one-time per month.

        Weighted by each deal's current probability: Alpha 100 %, Beta 0 %,
        Gamma 50 %.
        """
        figures = self._figures(["date:month"])
        self.assertEqual(
            figures,
            {
                # Alpha and Beta created
                (datetime(2025, 1, 1),): (2, 1500.0, 17000.0, 1000.0, 12000.0),
                # Gamma created, Alpha's offer sent, Beta lost
                (datetime(2025, 2, 1),): (3, 1700.0, 19000.0, 1100.0, 13000.0),
                # Alpha won
                (datetime(2025, 3, 1),): (1, 1000.0, 12000.0, 1000.0, 12000.0),
            },
        )

    def test_figures_per_month_and_event(self):
        figures = self._figures(["date:month", "event_type"])
        jan, feb, mar = (datetime(2025, month, 1) for month in (1, 2, 3))
        self.assertEqual(
            figures,
            {
                (jan, "created"): (2, 1500.0, 17000.0, 1000.0, 12000.0),
                (feb, "created"): (1, 200.0, 2000.0, 100.0, 1000.0),
                (feb, "offer_sent"): (1, 1000.0, 12000.0, 1000.0, 12000.0),
                (feb, "lost"): (1, 500.0, 5000.0, 0.0, 0.0),
                (mar, "won"): (1, 1000.0, 12000.0, 1000.0, 12000.0),
            },
        )

    def test_figures_per_event_and_expected_closing(self):
        figures = self._figures(["event_type", "date_deadline:month"])
        april = datetime(2025, 4, 1).date()
        self.assertEqual(
            {key: values[0] for key, values in figures.items()},
            {
                ("created", april): 3,
                ("offer_sent", april): 1,
                ("won", april): 1,
                ("lost", april): 1,
            },
        )

    def test_a_plain_lead_is_no_pipeline_event(self):
        self.assertFalse(
            self.env["vshn.pipeline.report"].search(
                [("lead_id", "=", self.plain_lead.id)]
            )
        )

    def test_salesperson_reads_own_deals_only(self):
        report = self.env["vshn.pipeline.report"].with_user(self.user_salesman)
        rows = report.search([("lead_id", "in", (self.mine | self.others).ids)])
        self.assertEqual(rows.lead_id, self.mine)
        self.assertEqual(len(rows), 6)
        other_rows = report.with_user(self.user_other).search(
            [("lead_id", "in", (self.mine | self.others).ids)]
        )
        self.assertEqual(other_rows.lead_id, self.others)

    def test_managers_and_finance_read_the_whole_pipeline(self):
        everything = self.mine | self.others
        for user in (self.user_manager, self.user_finance):
            rows = (
                self.env["vshn.pipeline.report"]
                .with_user(user)
                .search([("lead_id", "in", everything.ids)])
            )
            self.assertEqual(rows.lead_id, everything, user.name)
        figures = self._figures(["event_type"], everything, self.user_finance)
        self.assertEqual(figures[("created",)][:2], (4, 2000.0))

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_model")
    def test_employee_without_sales_role_is_refused(self):
        with self.assertRaises(AccessError):
            self.env["vshn.pipeline.report"].with_user(self.user_employee).search([])

    def test_menus(self):
        menus = {
            "vshn_sales_onboarding.vshn_pipeline_report_menu",
            "vshn_sales_onboarding.vshn_pipeline_report_menu_crm",
        }
        for user, expected in (
            (self.user_manager, menus),
            (self.user_finance, menus),
            (self.user_salesman, set()),
        ):
            visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
            xmlids = set(
                self.env["ir.ui.menu"].browse(visible).get_external_id().values()
            )
            self.assertEqual(xmlids & menus, expected, user.name)

    def test_offer_sent_date_is_set_once(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Delta",
                "type": "opportunity",
                "partner_id": self.contact.id,
                "user_id": self.user_salesman.id,
            }
        )
        make_offer_ready(lead, self.user_tsm, self.user_pm)
        first, second = self._quotation(lead), self._quotation(lead)
        self.assertFalse(lead.offer_sent_date)
        with freeze_time("2025-05-06 09:30:00"):
            first.action_quotation_sent()
        self.assertEqual(lead.offer_sent_date, datetime(2025, 5, 6, 9, 30))
        with freeze_time("2025-06-01 08:00:00"):
            second.action_quotation_sent()
            second.action_confirm()
        self.assertEqual(lead.offer_sent_date, datetime(2025, 5, 6, 9, 30))
        self.assertNotIn("offer_sent_date", lead.copy_data()[0])

    def test_offer_sent_date_of_a_deal_confirmed_unsent(self):
        """A quotation signed on the spot was an offer too."""
        lead = self.env["crm.lead"].create(
            {
                "name": "Epsilon",
                "type": "opportunity",
                "partner_id": self.contact.id,
                "user_id": self.user_salesman.id,
            }
        )
        make_offer_ready(lead, self.user_tsm, self.user_pm)
        with freeze_time("2025-07-01 12:00:00"):
            self._quotation(lead).action_confirm()
        self.assertEqual(lead.offer_sent_date, datetime(2025, 7, 1, 12, 0))

    def test_offer_sent_date_is_not_written_by_users(self):
        for user in (self.user_salesman, self.user_manager, self.env.user):
            with self.assertRaisesMessage(UserError, "date the offer was sent"):
                self.gamma.with_user(user).write(
                    {"offer_sent_date": "2025-02-01 10:00:00"}
                )
        with self.assertRaisesMessage(UserError, "date the offer was sent"):
            self.env["crm.lead"].with_user(self.user_salesman).create(
                {
                    "name": "Imported",
                    "type": "opportunity",
                    "offer_sent_date": "2025-02-01 10:00:00",
                }
            )
        self.assertFalse(self.gamma.offer_sent_date)


@tagged("post_install", "-at_install", "vshn_onboarding", "is_query_count")
class TestPipelineReportPerformance(OnboardingOrderCommon):
    """The report's grouped read costs the same for 10 and for 100 deals."""

    def _create_deals(self, count, prefix):
        env = self.env(
            context=dict(self.env.context, **{BYPASS_CONTEXT_KEY: GATE_BYPASS})
        )
        leads = env["crm.lead"].create(
            [
                {
                    "name": f"{prefix} {index}",
                    "type": "opportunity",
                    "user_id": self.user_salesman.id,
                    "expected_revenue": 1000.0,
                    "probability": 20.0,
                    "segment_id": self.segment.id,
                    "offering_type": "consulting",
                }
                for index in range(count)
            ]
        )
        leads[: count // 2]._vshn_record_offer_sent()
        self.env.flush_all()
        self.env.invalidate_all()
        return leads

    def _grouped_read(self):
        return (
            self.env["vshn.pipeline.report"]
            .with_user(self.user_manager)
            .read_group(
                [("user_id", "=", self.user_salesman.id)],
                ["recurring_revenue_monthly:sum", "prorated_revenue:sum"],
                ["date:month", "event_type", "user_id", "segment_id"],
                lazy=False,
            )
        )

    def test_grouped_read_query_count(self):
        self._create_deals(10, "Ten")
        self._grouped_read()  # fill the caches (rules, fields, groups)
        self.env.invalidate_all()
        with self.assertQueryCount(7):
            ten = self._grouped_read()
        self._create_deals(90, "Hundred")
        with self.assertQueryCount(7):
            hundred = self._grouped_read()
        count = {group["event_type"]: group["__count"] for group in ten}
        self.assertEqual(count, {"created": 10, "offer_sent": 5})
        count = {group["event_type"]: group["__count"] for group in hundred}
        self.assertEqual(count, {"created": 100, "offer_sent": 50})
