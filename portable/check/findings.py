"""Findings: what ``portable check`` reports, each from one named rule.

A :class:`Rule` has a stable ``id`` (``portable/timeout-near-cap``) that SARIF and CI suppressions use;
a :class:`Finding` is one occurrence: the rule, its level, the provider it concerns (``None``: every
target), the object (a dotted path like ``functions.api``), the message and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning", "note"]


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    description: str
    level: Level


@dataclass(frozen=True)
class Finding:
    rule: Rule
    level: Level
    path: str
    message: str
    provider: str | None = None
    fix: str = ""
    file: str | None = None
    line: int | None = None


RULES = {rule.id: rule for rule in (
    Rule("portable/limit", "Outside a target's limits",
         "The stack asks for something the target cannot run (memory, timeout, names, runtimes, batch sizes).",
         "error"),
    Rule("portable/behaviour", "Behaves differently on a target",
         "A service the stack uses behaves differently on this target (sizes, ordering, TTL, time zones, "
         "deadlines) in a way that matters for this stack.", "warning"),
    Rule("portable/emulated", "Emulated on a target",
         "The target has no native equivalent; portable emulates it, with the consequence named.", "note"),
    Rule("portable/public-cold-start", "Public route without warm instances",
         "A public, latency-sensitive HTTP route runs on a function with min_instances 0: the first request "
         "after idle waits for a cold start.", "warning"),
    Rule("portable/memory-over-provisioned", "Memory well above the measured peak",
         "Memory is billed as configured: at twice the measured peak or more, half the compute bill buys "
         "nothing.", "warning"),
    Rule("portable/timeout-near-cap", "Timeout near the platform's cap",
         "A timeout at or above 80% of the platform's or front door's cap leaves no room for a slow day.",
         "warning"),
    Rule("portable/mixed-capabilities", "One function, several capabilities",
         "A function whose routes and triggers span unrelated capabilities scales, fails and is permitted "
         "as one: split it.", "warning"),
    Rule("portable/module-state", "State kept in module globals",
         "Module globals survive between invocations on a warm instance but are not shared between instances "
         "and vanish on a cold start.", "warning"),
    Rule("portable/frequent-schedule", "Schedule every minute",
         "A schedule at the one-minute floor of every scheduler is a poller: an event trigger or a queue does "
         "the same without empty runs.", "warning"),
)}
"""Every rule ``portable check`` applies, by id."""


def finding(rule_id: str, path: str, message: str, *, provider: str | None = None, fix: str = "",
            level: Level | None = None, file: str | None = None, line: int | None = None) -> Finding:
    rule = RULES[rule_id]
    return Finding(rule, level or rule.level, path, message, provider, fix, file, line)
