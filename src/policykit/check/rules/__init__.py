"""The consistency rules R1–R30, one module per family of rules.

Each rule is a function taking a `Reporter` (the indexed policy set plus the rule's
id and severity) and yielding Diagnostics located at the value that breaks the rule;
the message names the value it was compared with, with its file and line. Values in
force on a date always come from `policykit.model.timeline` through `Context.states`.
A rule's catalogue entry is declared on its function with `@rule(...)`
(`check.rule`); `check.registry` collects them.
"""
