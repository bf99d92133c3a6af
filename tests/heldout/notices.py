"""A small held-out set for `policykit extract`: sentences copied verbatim from public
notices (found with a search of public text, not taken from archive/'s seeds, and never
used to tune the keyword tables), each with the rule figures a reader files from it.

`expected` maps a figure as printed to the parameter (and breakdown) it belongs to;
a figure not listed must not be proposed as a rule at all (`forbidden`), or may be
anything (steps of a change, words like 全额).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Notice:
    url: str
    issued: str
    text: str
    expected: dict[str, str] = field(default_factory=dict)
    forbidden: tuple[str, ...] = ()


NOTICES = (
    # 国家医保局 interpretation of 医保发〔2024〕19号: two subjects, two figures, 分别 twice
    Notice("https://www.nhsa.gov.cn/art/2024/8/26/art_105_13634.html", "2024-08-26",
           "财政补助和个人缴费标准分别较上年增加30元和20元，每人每年分别不低于670元和400元",
           {"670元": "resident.fiscal_subsidy", "400元": "resident.individual_contribution"}),
    # 冀医保发〔2025〕6号 (reprinted by 任丘市)
    Notice("https://www.renqiu.gov.cn/renqiu/ybjbmwj/202510/"
           "6d90754638a248cba655e94ea518a3bb.shtml", "2025-09-25",
           "2025年居民医保人均财政补助标准较上年提高30元，达到每人每年不低于700元",
           {"700元": "resident.fiscal_subsidy"}),
    Notice("https://www.renqiu.gov.cn/renqiu/ybjbmwj/202510/"
           "6d90754638a248cba655e94ea518a3bb.shtml", "2025-09-25",
           "全额资助特困人员、孤儿，对最低生活保障对象、纳入监测范围且未消除风险的防止返贫监测对象"
           "按不低于60%的标准定额资助",
           {"60%": "assistance.contribution_subsidy"}),
    # 国办发〔2021〕42号
    Notice("https://www.gov.cn/gongbao/content/2021/content_5659514.htm", "2021-10-28",
           "对低保对象、特困人员符合规定的医疗费用可按不低于70%的比例救助",
           {"70%": "assistance.ratio"}),
    # 国办发〔2024〕38号
    Notice("https://www.gov.cn/zhengce/content/202408/content_6965741.htm", "2024-07-26",
           "对未在居民医保集中参保期内参保或未连续参保的人员，设置参保后固定待遇等待期3个月",
           {"3个月": "resident.late_payment.waiting_period"}),
    # 国家统计局, 2025-09-28: statistics given as an enumeration, no rule in it
    Notice("https://www.gov.cn/lianbo/bumen/202509/content_7042627.htm", "2025-09-28",
           "2024年末，我国城市、农村最低生活保障人数分别为625.0万人、3361.5万人；"
           "城市和农村最低生活保障平均标准分别为每人每月798.1元和593.9元",
           forbidden=("625.0万人", "3361.5万人", "798.1元", "593.9元")),
)
