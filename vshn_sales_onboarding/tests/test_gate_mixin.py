# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo_test_helper import FakeModelLoader

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import OnboardingCommon


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestGateMixin(OnboardingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loader = FakeModelLoader(cls.env, cls.__module__)
        cls.loader.backup_registry()
        from .gate_test_models import GateTestRecord, GateTestStage

        cls.loader.update_registry((GateTestStage, GateTestRecord))
        for model in ("vshn.gate.test.stage", "vshn.gate.test.record"):
            cls.env["ir.model.access"].create(
                {
                    "name": f"{model} user",
                    "model_id": cls.env["ir.model"]._get_id(model),
                    "group_id": cls.env.ref("base.group_user").id,
                    "perm_read": True,
                    "perm_write": True,
                    "perm_create": True,
                }
            )
        Stage = cls.env["vshn.gate.test.stage"]
        cls.stage_open = Stage.create({"name": "Open", "sequence": 1})
        cls.stage_gated = Stage.create(
            {"name": "Gated", "sequence": 2, "needs_ready": True}
        )
        cls.stage_last = Stage.create({"name": "Last", "sequence": 3})

    @classmethod
    def tearDownClass(cls):
        cls.loader.restore_registry()
        super().tearDownClass()

    def _records(self, user, count=1, **values):
        Record = self.env["vshn.gate.test.record"].with_user(user)
        return Record.create(
            [
                {"name": f"Record {index}", "stage_id": self.stage_open.id, **values}
                for index in range(count)
            ]
        )

    def test_write_into_gated_stage_is_refused_with_what_is_missing(self):
        record = self._records(self.user_salesman)
        with self.assertRaises(ValidationError) as caught:
            record.write({"stage_id": self.stage_gated.id})
        self.assertIn("Record 0 cannot enter Gated", str(caught.exception))
        self.assertIn("the ready flag", str(caught.exception))
        self.assertEqual(record.stage_id, self.stage_open)

    def test_values_written_with_the_stage_count_for_the_gate(self):
        record = self._records(self.user_salesman)
        record.write({"stage_id": self.stage_gated.id, "ready": True})
        self.assertEqual(record.stage_id, self.stage_gated)

    def test_create_directly_in_a_gated_stage_is_refused(self):
        with self.assertRaisesMessage(ValidationError, "the ready flag"):
            self.env["vshn.gate.test.record"].with_user(self.user_salesman).create(
                {"name": "Imported", "stage_id": self.stage_gated.id}
            )

    def test_moving_back_is_not_gated(self):
        record = self._records(self.user_salesman, ready=True)
        record.stage_id = self.stage_last
        record.ready = False
        record.stage_id = self.stage_open
        self.assertEqual(record.stage_id, self.stage_open)

    def test_multi_record_write_lists_every_refusal_and_writes_none(self):
        records = self._records(self.user_salesman, count=3)
        records[1].ready = True
        with self.assertRaises(ValidationError) as caught:
            records.write({"stage_id": self.stage_gated.id})
        message = str(caught.exception)
        self.assertIn("Record 0", message)
        self.assertIn("Record 2", message)
        self.assertNotIn("Record 1", message)
        self.assertEqual(records.stage_id, self.stage_open)

    def test_context_key_from_rpc_does_not_bypass(self):
        record = self._records(self.user_manager)
        forged = record.with_context(vshn_onboarding_gate_bypass=True)
        with self.assertRaises(ValidationError):
            forged.write({"stage_id": self.stage_gated.id})

    def test_manager_bypass_moves_and_logs_who_and_why(self):
        record = self._records(self.user_manager)
        record._bypass_stage_gate(self.stage_gated, "Customer signed on paper")
        self.assertEqual(record.stage_id, self.stage_gated)
        body = record.message_ids[0].body
        self.assertIn("Martin Manager bypassed the gate of Gated", body)
        self.assertIn("the ready flag", body)
        self.assertIn("Customer signed on paper", body)

    def test_bypass_needs_a_reason(self):
        record = self._records(self.user_manager)
        with self.assertRaises(ValidationError):
            record._bypass_stage_gate(self.stage_gated, "  ")

    def test_salesman_cannot_bypass(self):
        record = self._records(self.user_salesman)
        with self.assertRaises(AccessError):
            record._bypass_stage_gate(self.stage_gated, "I want to")
        self.assertEqual(record.stage_id, self.stage_open)
