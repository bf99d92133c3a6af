"""A real git repository of policy data, one commit (and tag) per kind of change.

Used by tests/test_diff_git.py. The data is written from Python dicts with PyYAML;
each step edits a copy of the previous state. Commits have fixed authors and dates,
and git runs without the user's configuration.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

GIT_ENV = {
    "GIT_AUTHOR_NAME": "policykit tests", "GIT_AUTHOR_EMAIL": "tests@example.org",
    "GIT_COMMITTER_NAME": "policykit tests", "GIT_COMMITTER_EMAIL": "tests@example.org",
    "GIT_AUTHOR_DATE": "2024-01-01T00:00:00+0000",
    "GIT_COMMITTER_DATE": "2024-01-01T00:00:00+0000",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}

State = dict[str, Any]

QY = "regions/440000/441800/region.yaml"
FG = "regions/440000/441800/441821/region.yaml"
GD = "regions/440000/region.yaml"


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}, check=True)
    return proc.stdout.strip()


def label(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


def base_state() -> State:
    return {
        "catalogue.yaml": {
            "areas": {"reimbursement": label("待遇与报销", "Reimbursement")},
            "schemes": {"resident": label("城乡居民基本医疗保险", "Resident scheme")},
            "dimensions": {
                "hospital_level": {
                    "label": label("医院等级", "Hospital level"), "ordered": True,
                    "values": {"level1": label("一级医院", "Level 1"),
                               "level3": label("三级医院", "Level 3")},
                },
            },
            "parameters": {
                "resident.inpatient.ratio": {
                    "label": label("住院报销比例", "Inpatient ratio"), "area": "reimbursement",
                    "scheme": "resident", "type": "ratio", "dimensions": ["hospital_level"],
                    "comparable": True,
                },
                "resident.inpatient.deductible": {
                    "label": label("住院起付标准", "Inpatient deductible"),
                    "area": "reimbursement", "scheme": "resident", "type": "amount",
                    "unit": label("元/次", "yuan per admission"),
                },
                "resident.waiting_period": {
                    "label": label("待遇等待期", "Waiting period"), "area": "reimbursement",
                    "scheme": "resident", "type": "duration",
                },
                "resident.annual_cap": {
                    "label": label("年度最高支付限额", "Annual cap"), "area": "reimbursement",
                    "scheme": "resident", "type": "amount",
                },
            },
        },
        "sources.yaml": {"sources": [
            {"id": "qy-2021", "title": "努力提高医疗保障水平", "issuer": "清远市医疗保障局",
             "date": "2021-08-24", "kind": "work_report"},
            {"id": "gd-2020", "title": "关于居民医保待遇的通知", "issuer": "广东省医疗保障局",
             "doc_number": "粤医保发〔2020〕1号", "date": "2020-01-10", "kind": "notice",
             "url": "https://example.org/gd/2020 (1).html"},
            {"id": "old-2019", "title": "旧文件", "issuer": "广东省医疗保障局", "kind": "notice"},
        ]},
        GD: {
            "region": {"code": "440000", "name": label("广东省", "Guangdong"),
                       "level": "province"},
            "rules": [
                {"parameter": "resident.waiting_period", "history": [
                    {"status": "in_force", "start": "2020-01",
                     "duration": {"value": 3, "unit": "month"},
                     "source": "gd-2020", "quote": "等待期3个月"},
                ]},
            ],
        },
        QY: {
            "region": {"code": "441800", "name": label("清远市", "Qingyuan"),
                       "level": "prefecture", "parent": "440000"},
            "rules": [
                {"parameter": "resident.inpatient.ratio", "breakdown": {"hospital_level": "level1"},
                 "history": [
                     {"status": "in_force", "observed": "2021-08-24", "ratio": 0.9,
                      "source": "qy-2021", "quote": "一级医院90%"},
                 ]},
                {"parameter": "resident.inpatient.ratio", "breakdown": {"hospital_level": "level3"},
                 "history": [
                     {"status": "in_force", "observed": "2021-08-24", "ratio": 0.6,
                      "source": "qy-2021", "quote": "三级医院60%"},
                 ]},
                {"parameter": "resident.inpatient.deductible", "history": [
                    {"status": "in_force", "start": "2021", "amount": 500, "source": "qy-2021",
                     "quote": "起付标准由500元调整为600元"},
                ]},
            ],
        },
    }


def _rule(state: State, file: str, parameter: str, level: str | None = None) -> Any:
    for rule in state[file]["rules"]:
        if rule["parameter"] == parameter and rule.get("breakdown", {}).get(
                "hospital_level") == level:
            return rule
    raise KeyError(parameter)


def entry_added(s: State) -> None:
    _rule(s, QY, "resident.inpatient.ratio", "level3")["history"].append(
        {"status": "in_force", "start": "2022-01-01", "ratio": 0.65, "source": "qy-2021",
         "quote": "三级医院65%"})


def value_changed(s: State) -> None:
    _rule(s, QY, "resident.inpatient.deductible")["history"][0]["amount"] = 600


def period_changed(s: State) -> None:
    e = _rule(s, QY, "resident.inpatient.ratio", "level1")["history"][0]
    e["status"] = "repealed"
    e["end"] = "2023-01-01"


def source_changed(s: State) -> None:
    e = _rule(s, QY, "resident.inpatient.ratio", "level3")["history"][0]
    e["source"] = "gd-2020"
    e["quote"] = "三级医院报销60%"


def metadata_changed(s: State) -> None:
    e = _rule(s, QY, "resident.inpatient.deductible")["history"][0]
    e["note"] = "按次计算"
    e["checked_on"] = "2024-05-01"


def entry_removed(s: State) -> None:
    _rule(s, QY, "resident.inpatient.ratio", "level3")["history"].pop()


def reordered(s: State) -> None:
    """Keys sorted, rules and history entries reversed, sources split over two files,
    0.6 written 0.60: the same data."""
    s[QY]["rules"].reverse()
    for rule in s[QY]["rules"]:
        rule["history"].reverse()
    sources = s["sources.yaml"]["sources"]
    s["regions/440000/sources.yaml"] = {"sources": sources[1:]}
    s["sources.yaml"] = {"sources": sources[:1]}
    s["__sort_keys__"] = True
    s["__replace__"] = {QY: ("ratio: 0.6\n", "ratio: 0.60\n")}


def region_added(s: State) -> None:
    s[FG] = {
        "region": {"code": "441821", "name": label("佛冈县", "Fogang"), "level": "county",
                   "parent": "441800", "pooling_region": "441800"},
        "rules": [{"parameter": "resident.inpatient.deductible", "history": [
            {"status": "in_force", "start": "2023", "amount": 400, "source": "qy-2021",
             "quote": "佛冈县起付标准400元"}]}],
    }


def region_changed(s: State) -> None:
    s[FG]["region"]["name"]["en"] = "Fogang County"
    s[FG]["region"]["checked_on"] = "2024-06-01"


def region_removed(s: State) -> None:
    del s[FG]


def catalogue(s: State) -> None:
    cat = s["catalogue.yaml"]
    params = cat["parameters"]
    del params["resident.annual_cap"]
    params["resident.outpatient.ratio"] = {
        "label": label("门诊报销比例", "Outpatient ratio"), "area": "reimbursement",
        "scheme": "resident", "type": "ratio"}
    params["resident.inpatient.deductible"]["label"] = label("住院起付线", "Inpatient deductible")
    params["resident.inpatient.deductible"]["unit"] = label("元/人次", "yuan per admission")
    cat["dimensions"]["hospital_level"]["values"]["level2"] = label("二级医院", "Level 2")
    cat["areas"]["assistance"] = label("医疗救助", "Medical assistance")


def parameter_renamed(s: State) -> None:
    params = s["catalogue.yaml"]["parameters"]
    p = params.pop("resident.waiting_period")
    p["aliases"] = ["resident.waiting_period"]
    params["resident.late_payment.waiting_period"] = p


def sources(s: State) -> None:
    srcs = s["regions/440000/sources.yaml"]["sources"]
    srcs[:] = [x for x in srcs if x["id"] != "old-2019"]
    srcs[0]["title"] = "关于调整居民医保待遇的通知"
    s["sources.yaml"]["sources"].append(
        {"id": "hz-2023", "title": "怀化市医保政策问答", "issuer": "怀化市医疗保障局",
         "date": "2023-03-01", "kind": "news", "url": "https://example.org/hz?q=a|b"})


STEPS: list[tuple[str, Callable[[State], None]]] = [
    ("entry-added", entry_added),
    ("value-changed", value_changed),
    ("period-changed", period_changed),
    ("source-changed", source_changed),
    ("metadata-changed", metadata_changed),
    ("entry-removed", entry_removed),
    ("reordered", reordered),
    ("region-added", region_added),
    ("region-changed", region_changed),
    ("region-removed", region_removed),
    ("catalogue", catalogue),
    ("parameter-renamed", parameter_renamed),
    ("sources", sources),
]


def write_state(root: Path, state: State) -> None:
    """Replace root/ with the files of `state`."""
    if root.exists():
        shutil.rmtree(root)
    sort_keys = bool(state.get("__sort_keys__"))
    replace = state.get("__replace__", {})
    for rel, data in state.items():
        if rel.startswith("__"):
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=sort_keys, width=1000)
        if rel in replace:
            old, new = replace[rel]
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")


def commit_state(repo: Path, state: State, message: str, tag: str | None = None) -> None:
    write_state(repo / "policies", state)
    git(repo, "add", "-A", "policies")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    if tag:
        git(repo, "tag", tag)


def init_repo(repo: Path) -> None:
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("policy data\n", encoding="utf-8")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "Start")
    git(repo, "tag", "start")


def build(repo: Path) -> None:
    """start (no policies/), base, then one tagged commit per step."""
    init_repo(repo)
    state = base_state()
    commit_state(repo, state, "Base data", "base")
    for tag, step in STEPS:
        state = copy.deepcopy(state)
        state.pop("__replace__", None)
        step(state)
        commit_state(repo, state, tag, tag)
