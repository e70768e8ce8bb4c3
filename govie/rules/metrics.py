"""The METRIC heuristic and the proximity rule that links metrics to figures and periods.

For each figure (AMOUNT or RATE) the clause to its left, back to the previous
punctuation mark or entity, is read:

1. If what is left is only a change phrase (同比增长, 比上年下降, 分别增长 …), the
   figure is a ``growth`` of the metric before it in the sentence; after 分别 the
   figures go to the preceding metrics in order.
2. Otherwise opening scope and completion words (完成, 实现, 累计, 全市, 全年, 其中 …)
   are dropped from its start and linking verbs (达, 为, 突破 …) from its end; what
   remains is the METRIC, linked by ``value`` (or ``growth`` when the dropped
   verb was a change word such as 增长).
3. If nothing remains (新增4家企业), the noun phrase right after the figure is the
   METRIC.
4. A left part that is a PROJECT followed only by a measure word (完成投资) makes
   the PROJECT the head.

Each metric then gets a ``period`` link to the nearest PERIOD before it in the
sentence with no other metric in between, or else to a PERIOD that opens the
sentence before any metric.
"""
from __future__ import annotations

import re

from ..schema import Relation, Span

_BOUNDARY = re.compile(r"[，,；;：:。！？!?\n、（）()]")
_OPENERS = re.compile(
    r"^(?:其中|分别|预计|初步核算|初步统计|经核算|累计|共计|总计|合计|共|完成|实现|全年|全县|全市|全区|全省|全州|全盟|全国|"
    r"全镇|全乡|街道|辖区内|辖区|各类|各级|年内|当年|同比|比上年|较上年|目前|已|现|其|并|还|又|再|均|达到|达|有|为|"
    r"是|和|与|及|以及|在|对|将|把|使|让|另外|此外|同时|确保|保持|安排|\s)+")
_LINKERS = re.compile(
    r"(?:累计|完成|实现|达到|达|为|突破|超过|超|约|共|共计|总计|合计|是|有|至|到|增至|增加到|提高到|提升到|上升到|"
    r"下降到|降至|降到|扩展到|扩大到|分别为|分别达|分别|均|已|可|将|可望|有望|预计|总额|规模|由|从|稳定在|保持在|"
    r"跃升到|跃升至|\s)+$")
_LEVEL_TAIL = re.compile(r"(?:至|到)\s*$")
_BASE_TAIL = re.compile(r"(?:由|从)\s*$")
# the figure after 由/从 is a base; the one after 增至/提高到 the metric's level
_TO_LEVEL = re.compile(r"^(?:分别)?(?:增至|增加到|增长到|提高到|提高至|提升到|提升至|上升到|上升至|下降到|下降至|降至|降到|"
                       r"减少到|减少至|扩大到|扩大至|扩展到|达到|达|增加至|缩小到|缩小至|缩短至|缩短到)\s*$")
# a gap against an average or a plan (高于全国1个百分点): a figure with no metric
_GAP = re.compile(r"^(?:比|较|与)?(?:全国|全省|全市|全区|全州|省|市|国家|目标|计划|年度目标|预期|平均水平|平均)?"
                  r"(?:平均水平|平均)?(?:高|低|快|慢|高出|低于|高于|快于|慢于|多|少)(?:于|出)?"
                  r"(?:全国|全省|全市|全区|平均水平|平均|目标|计划|预期目标)?(?:平均水平|水平|平均)?\s*$")
_LIST_VERB = re.compile(r"^(?:新增|新建|获批|建成|培育|创建|新认定|认定|新获批|引进|入选)")
_BASES = "同比|比上年同期|比去年同期|较上年同期|较去年同期|比上年末|比上年|比去年|较上年|较去年|与上年相比|年均|平均"
_CHANGE_WORDS = ("增长|下降|增加|减少|提高|降低|回落|上升|上涨|下滑|下跌|提升|扩大|收窄|缩小|多增|少增|压缩|缩短|精简|"
                 "压减|净增|增|降|减")
_CHANGE_TAIL = re.compile(rf"(?:{_BASES})?(?:分别)?(?:{_CHANGE_WORDS})(?:了)?(?:分别)?\s*$")
_ONLY_CHANGE = re.compile(rf"^(?:{_BASES}|分别|\s)*(?:{_CHANGE_WORDS})?(?:了)?(?:分别)?\s*$")
_MEASURE_ONLY = re.compile(r"^(?:累计|已|共|计划|完成|实现)*(?:总投资|投资额|投资总额|投资|金额|总额|产值|营收)?$")
_RIGHT_OPENERS = re.compile(r"^(?:获评|获得|获|成为|入选|被评为|被认定为|被列为|认定为|评为)")
_HAS_DIGIT = re.compile(r"[0-9０-９]")
# a noun after a figure starts with a word character or an opening quote or bracket, never a symbol
_NOUN_START = re.compile(r"[^\W_]|[“‘\"'《〈（(【\[]")
# a left part that is only an action (引进5家企业): the counted noun follows the figure
_TRANSITIVE = (
    "引进|引入|建立|建成|新建|签订|落实|针对|划分为|动员|投入|成立|培育|打造|创建|举办|组织|帮助|走访|慰问|排查|"
    "化解|接待|受理|吸纳|带动|安置|培训|发放|覆盖|惠及|收集|调解|争取|获得|获评|拥有|对接|认定|拆除|关停|淘汰|"
    "招引|招聘|帮扶|资助|设立|组建|筹集|选树|推荐|表彰|开通|开设|盘活|摸排|查处|兑付|增设|配备|安装|提供")
_ARTICLE = "(?:了|一支|一个|一批)?"
_ACTION_ONLY = re.compile(
    r"^(?:已|先后|累计|共|再|又|还|新|成功|积极|全力|持续|分别|为|向|对|在|已经)*"
    rf"(?:{_TRANSITIVE}|建设|签约|划分|新增|改造|开展|整治|解决|处理|办理|实施|推进|涉及|联系|审批|清理|整改|"
    r"新开工|开工|竣工|救助|服务|完成|实现|达到|达|有|共有|争创|创成|评选|新开|建起|增加|减少|整合|检查|办结|"
    rf"为民|节约|节省|减免|减轻|下达|拨付|兑现|落地|投运|投用|投产|设置|更新|新改建|改扩建|上线|认证){_ARTICLE}$")
# a left part ending in a transitive verb (联合打造约800平方米的…中心) also counts a noun on the right
_ENDS_IN_ACTION = re.compile(rf"(?:{_TRANSITIVE}){_ARTICLE}$")
_RIGHT_VERBS = re.compile(r"(?:用于|完成|实施|推进|建成|新建|改造|打造|开展|建设)+")
_RIGHT_STOP = re.compile(
    r"(?:开展|完成|改造|加快|推进|积极|成功|创建|实现|挂牌|系统|录入|参与|响应|进行|纳入|获得|建设|工作|投入|"
    r"正式|实行|开业|运营|落户|入驻|签约|通过|达到|均|全部|已|等|的|被|和|与|及|入选|进入|跻身|获评|成为|荣获|"
    r"实现|新增|新开工|稳定|保持|分别|，|。)")


def _clause_left(text: str, start: int, floor: int) -> int:
    """Return where the clause ending at ``start`` begins, not before ``floor``."""
    i = start
    while i > floor and not _BOUNDARY.match(text[i - 1]):
        i -= 1
    return i


def _strip_metric(chunk: str, offset: int) -> tuple[int, int, bool]:
    """Strip openers and linkers from ``chunk``; return (start, end, ended_in_change_word).

    A change word followed by 至/到 (提升至94%) reports a level, so it is not a change.
    """
    change = False
    core = chunk
    for _ in range(2):
        tail = _CHANGE_TAIL.search(core)
        if tail and tail.start() > 0:
            core = core[: tail.start()]
            change = change or core == chunk[: len(core)] and not _LEVEL_TAIL.search(chunk)
        link = _LINKERS.search(core)
        if link and link.start() > 0:
            core = core[: link.start()]
    head = _OPENERS.match(core)
    begin = head.end() if head else 0
    while begin < len(core) and core[begin].isspace():  # a span never starts on whitespace
        begin += 1
    # an inner completion verb: 固定资产投资累计完成投资额 -> the subject is the metric
    inner = re.search(r"(?:累计完成|完成|实现)", core[begin:])
    if inner and inner.start() > 1:
        rest = core[begin + inner.end():]
        if _MEASURE_ONLY.match(rest):
            core = core[: begin + inner.start()]
        else:
            begin = begin + inner.end()
    core = core.rstrip("的 ")
    return offset + begin, offset + len(core), change


def link_metrics(text: str, sentence: tuple[int, int], figures: list[Span], others: list[Span]
                 ) -> tuple[list[Span], list[Relation]]:
    """Find METRIC spans for the figures of one sentence and link them (see module docstring)."""
    s_start, s_end = sentence
    figures = sorted(f for f in figures if s_start <= f.start and f.end <= s_end)
    occupied = sorted(figures + [o for o in others if s_start <= o.start and o.end <= s_end])
    metrics: list[Span] = []
    relations: list[Relation] = []
    recent: list[Span] = []  # metrics waiting for a growth figure (for 分别 lists)
    respectively: list[Span] | None = None
    prev_end = s_start
    for fig in figures:
        floor = max([prev_end] + [o.end for o in occupied if o.end <= fig.start])
        left = _clause_left(text, fig.start, floor)
        chunk = text[left:fig.start]
        projects = [o for o in others if o.label == "PROJECT" and s_start <= o.start and o.end <= fig.start]
        if _ONLY_CHANGE.match(chunk) and (chunk.strip() or fig.label == "RATE") and recent:
            if "分别" in text[max(s_start, fig.start - 12):fig.start] and respectively is None:
                respectively = list(recent)
            if respectively:
                head = respectively.pop(0) if len(respectively) > 1 else respectively[0]
            else:
                head = recent[-1]
            if head.label == "METRIC":
                kind = "growth" if (_CHANGE_TAIL.search(chunk) or fig.label == "RATE" and "同比" in chunk
                                    or not chunk.strip() and fig.label == "RATE") else "value"
                relations.append(Relation(head.key, fig.key, kind))
            prev_end = fig.end
            continue
        respectively = None
        if projects and (floor <= projects[-1].end) and _MEASURE_ONLY.match(text[projects[-1].end:fig.start].strip("，, ")):
            relations.append(Relation(projects[-1].key, fig.key, "value"))
            recent = [projects[-1]]
            prev_end = fig.end
            continue
        m_start, m_end, change = _strip_metric(chunk, left)
        metric = None
        left_text = text[m_start:m_end]
        action_only = bool(_ACTION_ONLY.match(left_text) or _ACTION_ONLY.match(chunk.strip())
                           or _ENDS_IN_ACTION.search(left_text))
        if _GAP.match(chunk.strip()) and chunk.strip():
            prev_end = fig.end
            continue
        if recent and _TO_LEVEL.match(chunk.strip()) and recent[-1].label == "METRIC":
            relations.append(Relation(recent[-1].key, fig.key, "value"))
            prev_end = fig.end
            continue
        threshold_ok = bool(re.search(r"[0-9０-９.]+[万亿千百]?元?(?:以上|以下)", left_text))
        if (not action_only and 2 <= m_end - m_start <= 30
                and (threshold_ok or not _HAS_DIGIT.search(left_text))):
            if _LIST_VERB.match(left_text) and text[fig.end:fig.end + 1] == "、":
                verb = _LIST_VERB.match(left_text)
                m_start += verb.end()
                left_text = text[m_start:m_end]
            metric = Span(m_start, m_end, "METRIC", left_text)
        elif fig.label == "AMOUNT" and (action_only or not chunk.strip() or m_end - m_start < 2):
            # number before the noun: 新增4家企业 -> 企业
            r_start = fig.end
            r_limit = min([o.start for o in occupied if o.start >= fig.end] + [s_end])
            r_end = r_start
            while r_end < r_limit and not _BOUNDARY.match(text[r_end]):
                r_end += 1
            opener = _RIGHT_OPENERS.match(text[r_start:r_end])
            if opener:
                r_start += opener.end()
            if text[r_start:r_start + 1] == "的":
                r_start += 1
            while r_start < r_end and text[r_start].isspace():
                r_start += 1
            lead = _RIGHT_VERBS.match(text, r_start, r_end)
            if lead:
                r_start = lead.end()
            project = next((o for o in others if o.label == "PROJECT" and o.start == r_start), None)
            if project is not None:
                relations.append(Relation(project.key, fig.key, "value"))
                recent = [project]
                prev_end = fig.end
                continue
            stop = _RIGHT_STOP.search(text, r_start + 1, r_end)
            if stop:
                r_end = stop.start()
            phrase = text[r_start:r_end].rstrip("的 ")
            if (1 <= len(phrase) <= 15 and _NOUN_START.match(phrase) and not _HAS_DIGIT.search(phrase)
                    and fig.label == "AMOUNT"):
                metric = Span(r_start, r_start + len(phrase), "METRIC", phrase)
        if metric is not None:
            metrics.append(metric)
            right_side = metric.start >= fig.end
            if not (_BASE_TAIL.search(chunk) and not right_side):
                relations.append(Relation(metric.key, fig.key, "growth" if change and not right_side else "value"))
            recent = [m for m in recent if m.label == "METRIC"] + [metric]
            occupied = sorted(occupied + [metric])
        prev_end = max(fig.end, metric.end if metric else fig.end)
    return metrics, relations


def link_periods(sentence: tuple[int, int], heads: list[Span], periods: list[Span]) -> list[Relation]:
    """Link each METRIC/PROJECT head that has a figure to the PERIOD that dates it (see module docstring)."""
    s_start, s_end = sentence
    periods = sorted(p for p in periods if s_start <= p.start and p.end <= s_end)
    heads = sorted(h for h in heads if s_start <= h.start and h.end <= s_end)
    if not periods or not heads:
        return []
    opening = periods[0] if periods[0].start < heads[0].start else None
    out = []
    for head in heads:
        before = [p for p in periods if p.end <= head.start]
        chosen = None
        if before:
            nearest = before[-1]
            if not any(nearest.end <= h.start and h.end <= head.start for h in heads if h is not head):
                chosen = nearest
        if chosen is None:
            chosen = opening
        if chosen is not None:
            out.append(Relation(head.key, chosen.key, "period"))
    return out
