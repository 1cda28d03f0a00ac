"""A pure-Python mock of a Zoom account that enforces the articles' rules."""

from simulator.bulk import (
    BulkRefused,
    BulkReport,
    BulkResult,
    BulkTooLarge,
    bulk_remove,
)
from simulator.clock import advance_clock, update_settings
from simulator.csv_files import CsvRejected
from simulator.csv_import import (
    ImportReport,
    RowResult,
    import_csv,
    results_csv,
    sample_csv,
)
from simulator.diagnosis import Diagnosis, PlanStep, apply_plan, diagnose
from simulator.emails import email_problem, has_invisible, skeleton
from simulator.fixes import FIXES, Fix, SectionRef
from simulator.invitation import Blocker, InvitationBlocked, accept_invitation, blockers
from simulator.lifecycle import activate_user, deactivate_user, sign_in
from simulator.loading import AccountError, dump_account, load_account, load_state
from simulator.log import log_refusal
from simulator.model import (
    Account,
    Event,
    Items,
    License,
    Role,
    Status,
    UnknownAddon,
    UnknownRoom,
    UnknownUser,
    User,
)
from simulator.removal import RemovalReport, TransferOptions, delete_user, unlink_user
from simulator.roles import assign_license, change_role
from simulator.rooms import delete_room, remove_addon
from simulator.rules import RULES, Rule, RuleViolation
from simulator.scenarios import SCENARIOS, load_scenario

__all__ = [
    "FIXES",
    "RULES",
    "SCENARIOS",
    "Account",
    "AccountError",
    "Blocker",
    "BulkRefused",
    "BulkReport",
    "BulkResult",
    "BulkTooLarge",
    "CsvRejected",
    "Diagnosis",
    "Event",
    "Fix",
    "ImportReport",
    "InvitationBlocked",
    "Items",
    "License",
    "PlanStep",
    "RemovalReport",
    "Role",
    "RowResult",
    "SectionRef",
    "Rule",
    "RuleViolation",
    "Status",
    "TransferOptions",
    "UnknownAddon",
    "UnknownRoom",
    "UnknownUser",
    "User",
    "accept_invitation",
    "activate_user",
    "advance_clock",
    "apply_plan",
    "assign_license",
    "blockers",
    "bulk_remove",
    "change_role",
    "deactivate_user",
    "delete_room",
    "delete_user",
    "diagnose",
    "dump_account",
    "email_problem",
    "has_invisible",
    "import_csv",
    "load_account",
    "load_scenario",
    "load_state",
    "log_refusal",
    "remove_addon",
    "results_csv",
    "sample_csv",
    "sign_in",
    "skeleton",
    "unlink_user",
    "update_settings",
]
