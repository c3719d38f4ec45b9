"""A realistic demo township, for trying the program out and for benchmarks.

:func:`build_demo` fills an empty home folder with a config and a database holding a few
years of a township's rule-of-law records: staff, delegated enforcement powers, trainings,
meetings, court-hearing attendance, service items and annual reports. The data is
deterministic for a given seed, township and ``today``, and deliberately imperfect so
the checklist has something to show: some tasks are met, some are not, some are at risk.

Every record goes through :func:`fazhi_tui.domain.validation.validate` exactly like a
record typed into a form; a demo record that fails validation is a bug in this module
and raises. Records are written in one transaction, each with its ``insert`` audit row,
the same columns and encoding :meth:`fazhi_tui.storage.store.Store.insert` writes; a few
are then tombstoned through the store so deletions exist too.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid as uuid_module
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fazhi_tui.base.config import Config, save_config
from fazhi_tui.base.division import check_township_code, county_of
from fazhi_tui.base.paths import Home
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.domain.validation import Limits, validate
from fazhi_tui.storage.records import add_audit_rows, audit_row, save_records
from fazhi_tui.storage.store import Actor, Store, encode_record

__all__ = ["DemoError", "DemoSummary", "build_demo", "DEFAULT_TOWNSHIP", "DEFAULT_SEED"]

DEFAULT_TOWNSHIP = "640302100"
DEFAULT_SEED = 20240305
DEFAULT_OPERATOR = "张明"

# ---------------------------------------------------------------------------------------
# Names and texts
# ---------------------------------------------------------------------------------------

KNOWN_TOWNSHIPS = {"640302100": "金星镇"}
KNOWN_COUNTIES = {
    "640302": "利通区",
    "640303": "红寺堡区",
    "640323": "盐池县",
    "640324": "同心县",
    "640381": "青铜峡市",
}

# Common surnames, with the Hui surnames frequent in Ningxia (马, 丁, 海, 纳, 锁, 虎).
SURNAMES = (
    "王 李 张 刘 陈 杨 马 赵 黄 周 吴 徐 孙 胡 朱 高 何 郭 罗 丁 田 白 海 金 苏 韩 冯 纳 锁 虎"
).split()
GIVEN_NAMES = (
    "建国 志强 文华 丽 娟 伟 军 磊 芳 静 海燕 晓东 玉兰 建军 国庆 学文 永红 春梅 小龙 文斌 "
    "瑞 鹏 慧 宁 忠 成 福 秀英 红霞 立新 俊 雪 亮 涛 博 佳 浩 宇 欣 晨 嘉怡 子豪 梦瑶 振华 淑珍"
).split()
VILLAGES = ("东升村", "新民村", "团结村", "红星村", "和平村", "永和村", "胜利村", "丰收村", "金塔村", "杨马湖村")

LAWS = (
    "《中华人民共和国宪法》",
    "《中华人民共和国民法典》",
    "《中华人民共和国行政处罚法》",
    "《中华人民共和国行政许可法》",
    "《中华人民共和国行政强制法》",
    "《中华人民共和国行政复议法》",
    "《中华人民共和国行政诉讼法》",
    "《中华人民共和国土地管理法》",
    "《中华人民共和国城乡规划法》",
    "《中华人民共和国安全生产法》",
    "《中华人民共和国食品安全法》",
    "《中华人民共和国农村土地承包法》",
    "《中华人民共和国村民委员会组织法》",
    "《中华人民共和国大气污染防治法》",
    "《中华人民共和国乡村振兴促进法》",
    "《中华人民共和国国家安全法》",
    "《中华人民共和国反有组织犯罪法》",
    "《信访工作条例》",
    "《优化营商环境条例》",
    "《法治政府建设实施纲要（2021－2025年）》",
)
LECTURES = (
    "法治专题讲座：《民法典》与基层社会治理",
    "领导干部法治专题讲座：行政执法“三项制度”解读",
    "法治讲座：新修订《中华人民共和国行政复议法》解读",
    "法治专题讲座：乡镇综合行政执法程序规范",
    "法治讲座：农村土地承包经营纠纷的预防与化解",
    "法治专题讲座：习近平法治思想学习辅导",
    "法治讲座：信访工作法治化",
    "法治专题讲座：行政诉讼败诉案例剖析",
)
FORUMS = (
    "乡镇综合行政执法工作研讨会",
    "“枫桥经验”与矛盾纠纷多元化解座谈会",
    "法治乡村建设经验交流会",
    "基层合法性审查工作研讨会",
)
OTHER_MEETINGS = (
    "“八五”普法工作推进会",
    "法律顾问工作对接会",
    "行政执法案卷评查工作会",
    "人民调解工作例会",
    "矛盾纠纷排查化解工作调度会",
    "法治宣传教育工作安排会",
    "民主法治示范村创建推进会",
)
AGENDA = (
    "人居环境整治",
    "农村宅基地审批",
    "安全生产大检查",
    "秋冬季秸秆禁烧",
    "防汛抗旱",
    "信访积案化解",
    "乡村振兴项目实施",
    "耕地保护",
    "燃气安全专项整治",
    "低保动态调整",
    "高标准农田建设",
    "村级集体经济发展",
    "矛盾纠纷排查化解",
    "食品安全检查",
)
HEAD_PARTIAL_REASONS = (
    "中途赴区司法局参加人民调解员培训，列席前半程",
    "会议进行中接到紧急矛盾纠纷调处任务，提前离会",
)
HEAD_ABSENT_REASONS = (
    "参加区委政法委专题会议，已书面请假",
    "带队赴村开展法治宣传，已书面请假",
)

# (name, power type, department, legal basis, short topic) of powers a county delegates.
DELEGATED_POWERS = (
    ("对农村村民未经批准或者采取欺骗手段骗取批准非法占用土地建住宅的行政处罚", "penalty", "农业农村局",
     "《中华人民共和国土地管理法》第七十八条", "宅基地违法占地查处"),
    ("对在乡、村庄规划区内未依法取得乡村建设规划许可证进行建设的行政处罚", "penalty", "自然资源局",
     "《中华人民共和国城乡规划法》第六十五条", "违法建设查处"),
    ("对占用耕地建窑、建坟或者擅自在耕地上建房、挖砂、采石、取土等破坏种植条件的行政处罚", "penalty", "自然资源局",
     "《中华人民共和国土地管理法》第七十五条", "耕地保护"),
    ("对露天焚烧秸秆、落叶等产生烟尘污染物质的行政处罚", "penalty", "生态环境局",
     "《中华人民共和国大气污染防治法》第一百一十九条第一款", "秸秆禁烧"),
    ("对在禁止的时段和区域内露天烧烤食品的行政处罚", "penalty", "住建局",
     "《中华人民共和国大气污染防治法》第一百一十八条第三款", "露天烧烤治理"),
    ("对随意倾倒、抛撒、堆放或者焚烧生活垃圾的行政处罚", "penalty", "住建局",
     "《中华人民共和国固体废物污染环境防治法》第一百一十一条", "生活垃圾管理"),
    ("对在城市建筑物、设施以及树木上涂写、刻画或者未经批准张挂、张贴宣传品的行政处罚", "penalty", "住建局",
     "《城市市容和环境卫生管理条例》第三十四条", "市容环境整治"),
    ("对在城市道路上违章停放车辆的行政处罚", "penalty", "公安局",
     "《中华人民共和国道路交通安全法》第五十六条、第九十三条", "道路秩序"),
    ("对擅自占用或者挖掘城市道路的行政处罚", "penalty", "住建局",
     "《城市道路管理条例》第四十二条", "道路秩序"),
    ("对违反禁牧封育规定放牧的行政处罚", "penalty", "自然资源局",
     "《宁夏回族自治区禁牧封育条例》", "禁牧封育"),
    ("对滥伐林木的行政处罚", "penalty", "自然资源局",
     "《中华人民共和国森林法》第七十六条第二款", "林木保护"),
    ("对在河道管理范围内建设妨碍行洪的建筑物、构筑物的行政处罚", "penalty", "水务局",
     "《中华人民共和国水法》第六十五条第一款", "河道管理"),
    ("对饲养犬只未按规定免疫接种狂犬病疫苗的行政处罚", "penalty", "农业农村局",
     "《中华人民共和国动物防疫法》第九十二条", "动物防疫"),
    ("对食品摊贩未按规定登记从事食品经营的行政处罚", "penalty", "市场监管局",
     "《中华人民共和国食品安全法》第三十六条；自治区食品摊贩管理有关规定", "食品安全"),
    ("对违法建设施工现场的查封", "coercion", "自然资源局",
     "《中华人民共和国城乡规划法》第六十八条", "违法建设查处"),
    ("对无证无照经营场所的查封", "coercion", "市场监管局",
     "《无证无照经营查处办法》第十一条", "无证无照经营治理"),
    ("对违法占道经营物品的暂扣", "coercion", "住建局",
     "《城市市容和环境卫生管理条例》第十四条；自治区城市管理有关规定", "占道经营治理"),
    ("对生产经营单位安全生产状况的监督检查", "inspection", "应急管理局",
     "《中华人民共和国安全生产法》第九条第二款", "安全生产检查"),
    ("对食品经营者的日常监督检查", "inspection", "市场监管局",
     "《中华人民共和国食品安全法》第一百一十条", "食品安全"),
    ("对农村自建房质量安全的检查", "inspection", "住建局",
     "《建设工程质量管理条例》；《村庄和集镇规划建设管理条例》", "自建房安全"),
    ("对燃气经营、使用安全的监督检查", "inspection", "住建局",
     "《城镇燃气管理条例》", "燃气安全"),
    ("对河湖“四乱”问题的巡查检查", "inspection", "水务局",
     "《中华人民共和国河道管理条例》", "河道管理"),
    ("农村村民宅基地审批", "other", "农业农村局",
     "《中华人民共和国土地管理法》第六十二条第四款", "宅基地审批"),
    ("乡村建设规划许可证核发", "other", "自然资源局",
     "《中华人民共和国城乡规划法》第四十一条", "乡村规划许可"),
    ("对农业机械安全状况的监督检查", "inspection", "农业农村局",
     "《农业机械安全监督管理条例》", "农机安全"),
)
DEFERRED_REASON = "缺乏专业检测设备和持证执法人员，经评估暂缓承接，待区直部门完成培训后再行承接"
WITHDRAWN_REASON = "该事项专业性强、基层承接难度大，经评估由原实施部门收回"

SERVICES = (
    "城乡居民基本养老保险参保登记",
    "城乡居民基本医疗保险参保登记",
    "农村宅基地和建房（规划许可）申请受理",
    "乡村建设规划许可证申请受理",
    "残疾人两项补贴申请",
    "临时救助申请",
    "最低生活保障申请受理",
    "特困人员救助供养申请",
    "高龄津贴申领",
    "农村危房改造申请",
    "老年人优待证办理",
    "流动人口居住登记",
    "就业失业登记",
    "退役军人优待证申领",
    "耕地地力保护补贴申报",
    "农业机械购置补贴申请受理",
    "生育登记",
    "人民调解申请受理",
    "法律援助申请转交",
    "土地承包经营权流转合同备案",
    "农村集体经济组织成员身份确认",
    "惠民殡葬补贴申领",
)

GENERAL_TRAININGS = (
    "行政执法人员公共法律知识培训",
    "行政执法文书制作规范培训",
    "行政执法证资格考试考前培训",
    "行政执法“三项制度”专题培训",
)

# ---------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------


class DemoError(Exception):
    """The target home already holds a database or a config; nothing was changed."""


@dataclass
class DemoSummary:
    code: str
    name: str
    records: int  # records written, tombstoned ones included


def build_demo(
    home: Home,
    *,
    township: str | None = None,
    years: int = 3,
    records: int | None = None,
    today: dt.date | None = None,
    seed: int = DEFAULT_SEED,
    evidence: bool = False,
) -> DemoSummary:
    """Fill the empty ``home`` with a demo township; refuse (:class:`DemoError`) if it holds data.

    ``years`` calendar years of records end with ``today.year`` (no date lies after
    ``today``); by default a few hundred records, or about ``records`` when given. The
    content depends only on ``seed``, ``township``, ``years``, ``records`` and ``today``
    (uuids and clock columns aside). Years before 2000, which validation refuses for
    annual reports, are left out. ``evidence``: attach a few small generated files (a
    PDF of minutes, a PNG of a sign-in sheet) to the newest meeting and training, so the
    evidence files show at once.
    """
    if home.database.exists() or home.config.exists():
        raise DemoError(str(home.data_dir))
    code = DEFAULT_TOWNSHIP if township is None else check_township_code(township)
    if code is None:
        raise ValueError(f"not a township division code: {township!r}")
    if years < 1:
        raise ValueError("years must be 1 or more")
    today = today or dt.date.today()
    config = _demo_config(code)

    # Generate and validate everything before the first byte is written.
    demo = _generate(config, today=today, years=years, records=records, seed=seed)

    home.ensure()
    save_config(home.config, config)
    store = Store.open(home.database, home.backups)
    try:
        actor = Actor(operator=config.operator, township=config.township_code)
        _write(store, demo, actor)
        if evidence:
            _attach_samples(home, store, actor)
    finally:
        store.close()
    return DemoSummary(code=config.township_code, name=config.township_name, records=len(demo))


def _attach_samples(home: Home, store: Store, actor: Actor) -> None:
    """The demo's evidence files: made in code, kept in the home's store like any scan."""
    from fazhi_tui.base.filestore import FileStore
    from fazhi_tui.services.evidence_samples import tiny_pdf, tiny_png
    from fazhi_tui.storage.attachments import add_attachment

    files = FileStore(home.files)
    samples = {
        "meeting": [("会议纪要.pdf", "pdf", tiny_pdf("Minutes of the meeting (demo)"), "会议纪要扫描件"),
                    ("签到表.png", "png", tiny_png(24, 16, (40, 90, 160)), "签到表")],
        "training": [("培训通知.pdf", "pdf", tiny_pdf("Training notice (demo)"), "培训通知"),
                     ("培训照片.png", "png", tiny_png(32, 20, (30, 140, 60)), "培训现场照片")],
    }
    for kind_name, items in samples.items():
        live = store.all_live(KINDS[kind_name])
        if not live:
            continue
        newest = max(live, key=lambda r: (r.get("date") or "", r["uuid"]))
        for name, kind, data, caption in items:
            digest, _ = files.put(data)
            add_attachment(store, actor, {"record_kind": kind_name, "record_uuid": newest["uuid"], "sha256": digest,
                                          "size": len(data), "type": kind, "name": name, "caption": caption})


def _demo_config(code: str) -> Config:
    county = county_of(code)
    return Config(
        township_code=code,
        township_name=KNOWN_TOWNSHIPS.get(code, f"示范镇{code[-3:]}"),
        county_code=county,
        county_name=KNOWN_COUNTIES.get(county, "示范县"),
        operator=DEFAULT_OPERATOR,
    )


# ---------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------


@dataclass
class _Record:
    kind: str
    uuid: str
    values: dict[str, Any]
    tombstone: bool = False


@dataclass
class _Person:
    uuid: str
    name: str
    role: str
    start: dt.date
    left: dt.date | None  # left the township (the record is inactive)
    enforcement: bool
    rule_of_law: bool

    def active_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.left is None or day < self.left)


@dataclass
class _Item:
    uuid: str
    department: str
    topic: str
    delegated_on: dt.date
    status: str
    never_trained: bool = False
    trainings: int = 0

    @property
    def active(self) -> bool:
        return self.status in ("taking", "taken")


class _PendingLookup:
    """The validation lookup over the records generated so far.

    The demo reaches the database in one transaction at the end, so uniqueness and
    reference checks look at the pending records (the target database is new and empty).
    """

    def __init__(self) -> None:
        self._uuids: dict[str, set[str]] = {name: set() for name in KINDS}
        self._owners: dict[tuple[str, str, Any], str] = {}

    def add(self, kind: str, record_uuid: str, values: dict[str, Any]) -> None:
        self._uuids[kind].add(record_uuid)
        for column, value in values.items():
            if isinstance(value, (str, int, float)) and value != "":
                self._owners.setdefault((kind, column, value), record_uuid)

    def is_taken(self, kind: str, column: str, value: Any, exclude_uuid: str | None) -> bool:
        owner = self._owners.get((kind, column, value))
        return owner is not None and owner != exclude_uuid

    def exists(self, kind: str, uuid: str) -> bool:
        return uuid in self._uuids[kind]


def _generate(config: Config, *, today: dt.date, years: int, records: int | None, seed: int) -> list[_Record]:
    """All demo records, validated. ``records`` scales the township to about that many."""
    first_year = max(today.year - years + 1, Limits().earliest_year)

    def run(scale: float, check: bool) -> list[_Record]:
        rng = random.Random(f"{seed}-{config.township_code}")
        return _TownshipGenerator(config, rng=rng, today=today, first_year=first_year, scale=scale, check=check).generate()

    scale = 1.0
    if records is not None:
        # The size is close to fixed + scale * variable: measure both with two dry runs.
        one, two = len(run(1.0, check=False)), len(run(2.0, check=False))
        variable = max(two - one, 1)
        scale = max((records - (one - variable)) / variable, 0.05)
    return run(scale, check=True)


def _spread(rng: random.Random, start: dt.date, end: dt.date, count: int) -> list[dt.date]:
    """``count`` dates spread over [start, end], jittered, in order."""
    if count <= 0 or end < start:
        return []
    span = (end - start).days + 1
    return [start + dt.timedelta(days=int((i + rng.random()) * span / count)) for i in range(count)]


def _between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


class _TownshipGenerator:
    """Builds one township's records in dependency order (staff before what refers to them)."""

    def __init__(
        self, config: Config, *, rng: random.Random, today: dt.date, first_year: int, scale: float, check: bool
    ) -> None:
        self.config = config
        self.rng = rng
        self.today = today
        self.first_year = first_year
        self.scale = scale
        self.check = check
        self.lookup = _PendingLookup()
        self.records: list[_Record] = []
        self.people: list[_Person] = []
        self.roles: dict[str, _Person] = {}
        self.items: list[_Item] = []
        self.used_names: set[str] = {DEFAULT_OPERATOR}
        self.admin_days: list[dt.date] = []
        county = config.county_name
        self.prefix = county[-1] if county[-1] in "区市县" else "县"
        self.short = config.township_name[0]
        self.courts = [f"{county}人民法院"]
        if config.township_code.startswith("6403"):
            self.courts.append("吴忠市中级人民法院")

    # -- helpers -----------------------------------------------------------------------

    def n(self, base: float, minimum: int = 0) -> int:
        return max(minimum, round(base * self.scale))

    def years(self) -> range:
        return range(self.first_year, self.today.year + 1)

    def year_end(self, year: int) -> dt.date:
        return min(dt.date(year, 12, 31), self.today)

    def year_fraction(self, year: int) -> float:
        return ((self.year_end(year) - dt.date(year, 1, 1)).days + 1) / 365

    def year_over(self, year: int) -> bool:
        return self.today >= dt.date(year, 12, 31)

    def department(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def add(self, kind: str, raw: dict[str, Any], tombstone: bool = False) -> str:
        record_uuid = str(uuid_module.uuid4())
        values = raw
        if self.check:
            result = validate(KINDS[kind], raw, today=self.today, lookup=self.lookup)
            if not result.ok:
                problems = {k: (p.key, p.params) for k, p in result.problems.items()}
                raise RuntimeError(f"demo {kind} record fails validation: {problems}; values {raw}")
            values = result.values
        self.lookup.add(kind, record_uuid, values)
        self.records.append(_Record(kind, record_uuid, values, tombstone))
        return record_uuid

    def new_name(self) -> str:
        for _ in range(100):
            name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES)
            if name not in self.used_names:
                break
        self.used_names.add(name)
        return name

    def names(self, *roles: str) -> list[str]:
        return [self.roles[r].name for r in roles if r in self.roles]

    def generate(self) -> list[_Record]:
        self.make_staff()
        self.make_delegated_items()
        self.make_service_items()
        for year in self.years():
            self.make_meetings(year)
        for year in self.years():
            self.make_trainings(year)
        self.make_missing_trainings()
        for year in self.years():
            self.make_hearings(year)
        self.make_annual_reports()
        self.make_mistakes()
        _LedgerGenerator(self).generate()
        return self.records

    # -- staff (T43, T29) --------------------------------------------------------------

    def make_staff(self) -> None:
        today, rng = self.today, self.rng
        first = dt.date(self.first_year, 1, 1)
        this_year = dt.date(today.year, 1, 1)
        cert_number = iter(range(1, 1_000_000))

        def cert(expiry: dt.date | None) -> dict[str, Any]:
            if expiry is None:
                return {}
            issued = min(expiry - dt.timedelta(days=5 * 365 + 1), today)
            return {
                "cert_no": f"宁{self.config.county_code}{next(cert_number):05d}",
                "cert_issued": issued.isoformat(),
                "cert_expiry": expiry.isoformat(),
            }

        def valid_expiry() -> dt.date:
            return today + dt.timedelta(days=rng.randint(200, 1500))

        def long_ago() -> dt.date:
            return _between(rng, dt.date(first.year - 12, 3, 1), dt.date(first.year - 1, 9, 1))

        left_on = max(first + dt.timedelta(days=60), today - dt.timedelta(days=rng.randint(200, 400)))
        left_on = min(left_on, today)
        # role, post, background, education, rule of law, enforcement, start, left, certificate expiry, notes
        roster = [
            ("secretary", "党委书记", "other", "研究生", False, False, long_ago(), None, None, ""),
            ("mayor", "镇长", "law_work", "本科", False, False, long_ago(), None, None, ""),
            ("deputy", "副镇长（分管政法）", "law_degree", "本科", True, False, long_ago(), None, None, ""),
            ("judicial_head", "司法所所长", "law_degree", "本科", True, False, long_ago(), None, None, ""),
            ("operator", "司法所工作人员", "law_degree", "本科", True, False, long_ago(), None, None, ""),
            ("office_clerk", "党政办公室（法治办）干事", "other", "本科", True, False, long_ago(), None, None,
             "汉语言文学专业，正在参加法律知识轮训"),
            ("enforcement_head", "综合行政执法办公室主任", "law_work", "本科", True, True, long_ago(), None,
             valid_expiry(), ""),
            ("officer_expiring", "综合行政执法队员", "law_degree", "本科", True, True, long_ago(), None,
             today + dt.timedelta(days=rng.randint(30, 75)), "执法证即将到期，已提交换证申请"),
            ("officer_expired", "综合行政执法队员", "law_work", "大专", True, True, long_ago(), None,
             today - dt.timedelta(days=rng.randint(10, 40)), ""),
            ("officer_no_hearing", "综合行政执法队员", "law_work", "本科", True, True, long_ago(), None,
             valid_expiry(), ""),
            ("officer_new", "综合行政执法队员", "law_degree", "本科", True, True,
             max(this_year, today - dt.timedelta(days=rng.randint(90, 150))), None, None, "新入职，执法证申领中"),
            ("officer_left", "综合行政执法队员", "law_work", "大专", True, True, long_ago(), left_on,
             valid_expiry(), f"{left_on.year}年{left_on.month}月调离"),
        ]
        for index in range(max(0, self.n(len(roster)) - len(roster))):
            background = rng.choice(("law_degree", "law_work", "law_work", "other"))
            expiry = valid_expiry() if rng.random() < 0.9 else None
            post = rng.choice(("综合行政执法队员", "综合行政执法队员", "网格员（协助执法）", "便民服务中心工作人员"))
            enforcement = post.startswith("综合")
            roster.append((f"extra{index}", post, background, rng.choice(("本科", "本科", "大专", "研究生")),
                           True, enforcement, long_ago(), None, expiry if enforcement else None, ""))

        for role, post, background, education, rule_of_law, enforcement, start, left, expiry, notes in roster:
            name = DEFAULT_OPERATOR if role == "operator" else self.new_name()
            record_uuid = self.add("staff", {
                "name": name,
                "post": post,
                "background": background,
                "education": education,
                "start_date": start.isoformat(),
                "active": left is None,
                "end_date": (left - dt.timedelta(days=1)).isoformat() if left else None,  # the last day in post
                "rule_of_law": rule_of_law,
                "leader": role in LEADERS,
                "enforcement": enforcement,
                **cert(expiry),
                "notes": notes,
            })
            person = _Person(record_uuid, name, role, start, left, enforcement, rule_of_law)
            self.people.append(person)
            self.roles[role] = person

    # -- delegated items (T41) ---------------------------------------------------------

    def make_delegated_items(self) -> None:
        rng, today = self.rng, self.today
        count = self.n(len(DELEGATED_POWERS), minimum=6)
        powers = [DELEGATED_POWERS[i % len(DELEGATED_POWERS)] for i in range(count)]
        rng.shuffle(powers)
        first, last = self.first_year, today.year
        batch_dates = sorted(
            min(day, today)
            for day in (
                dt.date(first, 3, rng.randint(10, 28)),
                dt.date((first + last) // 2, 9, rng.randint(1, 20)) if last > first else dt.date(first, 6, 18),
                max(dt.date(first, 7, 1), min(dt.date(last, 9, 1), today - dt.timedelta(days=20))),
            )
        )
        batch_of = [0 if i < 0.6 * count else 1 if i < 0.85 * count else 2 for i in range(count)]
        deferred, withdrawn = 1, 2  # indexes in the first batch
        taken_without_staff = next(i for i in range(count) if batch_of[i] >= 1)
        enforcers = [p for p in self.people if p.enforcement and p.left is None]

        for index, (name, power_type, department, basis, topic) in enumerate(powers):
            batch = batch_of[index]
            delegated_on = batch_dates[batch]
            status, reason, staff, notes = "taken", "", [], ""
            if index == deferred:
                status, reason = "deferred", DEFERRED_REASON
            elif index == withdrawn:
                status, reason = "withdrawn", WITHDRAWN_REASON
            elif index == taken_without_staff:
                notes = "已签订承接协议，具体执法人员尚未明确"
            elif batch == 2:
                status, notes = "taking", "已完成交接清单，正在组织承接培训"
            else:
                staff = [p.uuid for p in rng.sample(enforcers, min(len(enforcers), rng.randint(1, 3)))]
            record_uuid = self.add("delegated_item", {
                "code": f"XF-{index + 1:04d}",
                "name": name,
                "power_type": power_type,
                "legal_basis": basis,
                "department": self.department(department),
                "mode": "entrust" if rng.random() < 0.25 else "empower",
                "delegated_on": delegated_on.isoformat(),
                "status": status,
                "status_reason": reason,
                "staff": staff,
                "notes": notes,
            })
            self.items.append(_Item(record_uuid, self.department(department), topic, delegated_on, status))
        # The newest item being taken on has had no training yet (T42 shows it).
        newest = [item for item in self.items if item.status == "taking"] or [i for i in self.items if i.active]
        newest[-1].never_trained = True

    # -- service items (T44) -----------------------------------------------------------

    def make_service_items(self) -> None:
        rng = self.rng
        for index in range(self.n(20, minimum=3)):
            name = SERVICES[index % len(SERVICES)]
            if index >= len(SERVICES):
                name += f"（{VILLAGES[(index // len(SERVICES)) % len(VILLAGES)]}便民服务站）"
            local = rng.random() < 0.7
            # listed over the years (no random draw: the rest of the demo stays as it was)
            listed = self.first_year + index * (self.today.year - self.first_year + 1) // self.n(20, minimum=3)
            self.add("service_item", {
                "name": name,
                "guide_published": rng.random() < 0.8,
                "procedure_done": rng.random() < 0.6,
                "handled_locally": local,
                "year": listed,
                "notes": "镇便民服务中心窗口受理办结" if local else f"镇便民服务中心受理后转报{self.config.county_name}政务服务中心办理",
            })

    # -- meetings (T40, T46, T49) ------------------------------------------------------

    def meeting(self, kind: str, day: dt.date, title: str, chair: str, attendees: Sequence[str] | str,
                minutes_no: str = "", notes: str = "", **extra: Any) -> None:
        if not isinstance(attendees, str):
            attendees = "、".join(attendees)
        self.add("meeting", {
            "kind": kind,
            "date": day.isoformat(),
            "title": title,
            "chair": chair,
            "attendees": attendees,
            "minutes_no": minutes_no,
            "notes": notes,
            **extra,
        })

    def make_meetings(self, year: int) -> None:
        rng = self.rng
        start, end, over = dt.date(year, 1, 1), self.year_end(year), self.year_over(year)
        leaders = self.names("secretary", "mayor", "deputy")
        government = self.names("mayor", "deputy", "judicial_head", "enforcement_head", "office_clerk")
        head = self.roles["judicial_head"].name

        # 专题研究部署 (T40): one a year, in spring.
        if dt.date(year, 2, 20) <= end:
            title = rng.choice((f"{year}年法治政府建设专题部署会", f"党委会专题研究{year}年法治建设工作",
                                f"{year}年度法治政府建设暨普法依法治理工作推进会"))
            self.meeting("deploy", _between(rng, dt.date(year, 2, 20), min(dt.date(year, 4, 20), end)), title,
                         leaders[0], leaders + [head], f"{self.short}党纪〔{year}〕{rng.randint(2, 9)}号",
                         "传达上级法治政府建设工作要点，研究部署本年度任务分工")

        # 行政会议 with the judicial office head's attendance (T40).
        days = _spread(rng, start, end, self.n(24 * self.year_fraction(year), minimum=1))
        admin_raws: list[dict[str, Any]] = []
        for number, day in enumerate(days, start=1):
            topics = "、".join(rng.sample(AGENDA, 2))
            admin_raws.append({
                "day": day,
                "title": f"{year}年第{number}次镇政府常务会议",
                "minutes_no": f"{self.short}政纪〔{year}〕{number}号",
                "notes": f"研究{topics}等事项；司法所所长列席并就议题合法性发表意见",
                "head_attendance": "full",
                "head_absence_reason": "",
            })
        # This year the head left one meeting early; last year he missed one; earlier years vary.
        if year == self.today.year:
            rng.choice(admin_raws).update(head_attendance="partial", head_absence_reason=rng.choice(HEAD_PARTIAL_REASONS))
        elif year == self.today.year - 1 or rng.random() < 0.3:
            rng.choice(admin_raws).update(head_attendance="absent", head_absence_reason=rng.choice(HEAD_ABSENT_REASONS))
        for raw in admin_raws:
            day = raw.pop("day")
            self.meeting("admin", day, raw.pop("title"), leaders[1], government, **raw)
            self.admin_days.append(day)

        # 会前学法 (T46): at least four a year is the target; this year is short of it.
        if over:
            study_days = _spread(rng, start, end, rng.choice((3, 4, 5, 5, 6)))
        else:
            elapsed = (end - start).days
            study_days = _spread(rng, start, end, min(3, 1 + elapsed // 100))
        for day in study_days:
            body, chair = rng.choice((("党委会", leaders[0]), ("镇政府常务会议", leaders[1])))
            self.meeting("study", day, f"{body}会前学法：{rng.choice(LAWS)}", chair, leaders + [head],
                         notes=f"司法所所长{head}领学重点条款，结合本镇执法案例讲解")

        # 法治讲座 (T46, T49): at least two; this year has one so far.
        lectures = rng.choice((1, 2, 2, 3)) if over else 1
        for day in _spread(rng, dt.date(year, 3, 1), end, lectures):
            speaker = rng.choice((f"{self.config.county_name}司法局副局长", "吴忠市委党校法学教研室教师",
                                  "镇法律顾问（宁夏某律师事务所律师）"))
            self.meeting("lecture", day, rng.choice(LECTURES), leaders[2], "镇机关全体干部、各村（社区）“两委”成员",
                         notes=f"主讲人：{speaker}")

        # 法治论坛、研讨 (T49) and other rule-of-law meetings.
        if rng.random() < 0.5 and dt.date(year, 9, 1) <= end:
            self.meeting("forum", _between(rng, dt.date(year, 9, 1), min(dt.date(year, 11, 30), end)),
                         rng.choice(FORUMS), leaders[2], government, notes=f"邀请{self.config.county_name}司法局、镇法律顾问参加")
        for day in _spread(rng, start, end, self.n(6 * self.year_fraction(year))):
            self.meeting("other", day, rng.choice(OTHER_MEETINGS), rng.choice([leaders[2], head]), government)

    # -- trainings (T42) ---------------------------------------------------------------

    def attendees(self, day: dt.date, low: int, high: int) -> list[str]:
        """Some of the rule-of-law and enforcement staff in post on ``day``."""
        pool = [p.uuid for p in self.people if p.active_on(day) and (p.enforcement or p.rule_of_law)]
        return self.rng.sample(pool, min(len(pool), self.rng.randint(low, high)))

    def training(self, day: dt.date, items: list[_Item], form: str | None = None) -> None:
        rng = self.rng
        if items:
            department, topic = items[0].department, items[0].topic
            form = form or rng.choice(("central", "onsite", "onsite", "joint", "online"))
            title = {
                "central": f"{department}下放执法事项承接培训（{topic}）",
                "onsite": f"{department}{topic}实地指导",
                "joint": f"随{department}开展{topic}联合执法",
                "online": f"{department}{topic}线上业务培训",
            }[form]
            notes = {
                "onsite": "区直部门业务骨干到镇现场指导执法文书制作和办案流程",
                "joint": "随队执法，现场示范调查取证和文书送达",
            }.get(form, "")
        else:
            department = self.department("司法局")
            form = form or rng.choice(("central", "online"))
            title, notes = rng.choice(GENERAL_TRAININGS), ""
        hours = {"central": rng.choice((3, 4, 6, 8)), "onsite": rng.choice((1.5, 2, 3)),
                 "joint": rng.choice((3, 4, 5)), "online": rng.choice((1, 1.5, 2))}[form]
        for item in items:
            item.trainings += 1
        self.add("training", {
            "date": day.isoformat(),
            "title": title,
            "department": department,
            "form": form,
            "hours": float(hours),
            "items": [item.uuid for item in items],
            "staff": self.attendees(day, 2, 6) if items else self.attendees(day, 4, 10),
            "notes": notes,
        })

    def trainable(self, day: dt.date) -> list[_Item]:
        return [i for i in self.items if i.active and not i.never_trained and i.delegated_on <= day]

    def make_trainings(self, year: int) -> None:
        rng = self.rng
        for day in _spread(rng, dt.date(year, 1, 1), self.year_end(year), self.n(14 * self.year_fraction(year))):
            eligible = self.trainable(day)
            if not eligible or rng.random() < 0.2:
                self.training(day, [])
                continue
            # Prefer items with the fewest trainings so far, then add others of the same department.
            fewest = min(i.trainings for i in eligible)
            anchor = rng.choice([i for i in eligible if i.trainings == fewest])
            same = [i for i in eligible if i.department == anchor.department and i is not anchor]
            self.training(day, [anchor] + rng.sample(same, min(len(same), rng.randint(0, 2))))

    def make_missing_trainings(self) -> None:
        """Every active item except the one left out gets at least one on-site guidance."""
        for item in self.items:
            if item.active and not item.never_trained and item.trainings == 0:
                self.training(_between(self.rng, item.delegated_on, self.today), [item], form="onsite")

    # -- court hearings (T46) ----------------------------------------------------------

    def case_name(self) -> str:
        rng = self.rng
        a, b = rng.choice(SURNAMES), rng.choice(SURNAMES)
        department = self.department(rng.choice(("自然资源局", "市场监管局", "住建局", "农业农村局")))
        return rng.choice((
            f"{a}某与{b}某民间借贷纠纷案",
            f"{a}某诉{self.config.county_name}{department[1:]}行政处罚案",
            f"{a}某某非法占用农用地案",
            f"{a}某与{rng.choice(VILLAGES)}村民委员会土地承包经营权纠纷案",
            f"{a}某某盗窃案",
            f"{a}某诉{self.config.township_name}人民政府行政强制拆除案",
            f"{a}某与{b}某机动车交通事故责任纠纷案",
            f"{a}某某危险驾驶案",
            f"{a}某与{b}某赡养纠纷案",
        ))

    def hearing(self, person: _Person, day: dt.date, mode: str, court: str, case: str, notes: str,
                tombstone: bool = False) -> None:
        self.add("hearing", {
            "staff_uuid": person.uuid,
            "date": day.isoformat(),
            "mode": mode,
            "court": court,
            "case_name": case,
            "notes": notes,
        }, tombstone=tombstone)

    def make_hearings(self, year: int) -> None:
        rng, end = self.rng, self.year_end(year)
        skipper = self.roles["officer_no_hearing"] if year == self.today.year else None
        attended: set[str] = set()
        # A group session in court, one row per person.
        if dt.date(year, 4, 1) <= end:
            day = _between(rng, dt.date(year, 4, 1), min(dt.date(year, 10, 31), end))
            court, case = rng.choice(self.courts), self.case_name()
            for person in self.people:
                if person.active_on(day) and person is not skipper and rng.random() < 0.93:
                    self.hearing(person, day, "onsite", court, case, "镇机关集中组织旁听，庭后开展以案释法座谈")
                    attended.add(person.uuid)
        # Online hearings on the court-hearing website, for those who missed it and some others.
        for person in self.people:
            if person is skipper:
                continue
            start = max(dt.date(year, 1, 1), person.start)
            last = min(end, (person.left - dt.timedelta(days=1)) if person.left else end)
            if start > last or (person.uuid in attended and rng.random() < 0.5):
                continue
            if person.uuid not in attended and year < self.today.year and rng.random() < 0.1:
                continue  # an official who never got round to it that year
            self.hearing(person, _between(rng, start, last), "online", rng.choice(self.courts), self.case_name(),
                         "通过中国庭审公开网在线旁听")

    # -- annual reports (T7) -----------------------------------------------------------

    def make_annual_reports(self) -> None:
        rng, today, county = self.rng, self.today, self.config.county_name
        for year in range(self.first_year, today.year):
            if year == today.year - 1:
                sent = dt.date(year + 1, 2, rng.randint(23, 28))  # late: after 20 February
                published = dt.date(year + 1, 3, rng.randint(20, 31))
            else:
                sent = dt.date(year + 1, 2, rng.randint(6, 18))
                published = dt.date(year + 1, 4, rng.randint(3, 20)) if rng.random() < 0.25 else dt.date(year + 1, 3, rng.randint(5, 28))
            if sent > today:
                continue  # not written yet
            self.add("annual_report", {
                "year": year,
                "sent_on": sent.isoformat(),
                "published_on": published.isoformat() if published <= today else None,
                "published_where": f"{county}人民政府门户网站“法治政府建设”专栏",
                "notes": f"经镇党委会审议通过，报送{county}人民政府和{county}委依法治{self.prefix}办",
            })

    # -- mistakes the clerk deleted (tombstones) ---------------------------------------

    def make_mistakes(self) -> None:
        rng = self.rng
        for index in range(self.n(3, minimum=3)):
            which = index % 3
            if which == 0 and self.admin_days:
                day = rng.choice(self.admin_days)
                self.add("meeting", {"kind": "admin", "date": day.isoformat(), "title": f"{day.year}年镇政府常务会议",
                                     "head_attendance": "full", "notes": "重复录入"}, tombstone=True)
            elif which == 1:
                person = rng.choice([p for p in self.people if p.left is None])
                day = _between(rng, max(dt.date(self.today.year, 1, 1), person.start), self.today)
                self.hearing(person, day, "online", self.courts[0], self.case_name(), "人员录错，已删除", tombstone=True)
            else:
                self.add("service_item", {"name": rng.choice(SERVICES), "notes": "与已有事项重复"}, tombstone=True)


LEADERS = ("secretary", "mayor", "deputy")  # 领导干部, who report on the rule of law (T47)
DECISIONS = (
    "对违法占用耕地建房的行政处罚决定",
    "对未经批准擅自占道经营的行政处罚决定",
    "对违法建设限期拆除的决定",
    "对违规焚烧秸秆的行政处罚决定",
    "对无证经营食品摊贩的行政处罚决定",
    "对擅自改变宅基地用途的行政处罚决定",
)
COMPLAINTS = (
    "反映执法人员检查时未出示执法证件",
    "对拆除违建程序提出异议",
    "举报集市占道经营无人查处",
    "反映罚款未开具正式票据",
    "举报夜间施工噪声扰民",
    "对执法时限过长提出投诉",
    "举报违规焚烧垃圾",
)
CHANNELS = ("phone", "phone", "letter", "online", "visit")


class _LedgerGenerator:
    """The rest of the ledger (issue 15): enforcement decisions, supervision checks,
    complaints, lawsuits, recommendations, oaths, leaders' law reports, exams, law lists,
    the county's training plans and the rule-of-law office. Its own random stream, so the
    records made before it stay as they were. This year shows a decision reviewed after
    it was taken (T26), two complaints still open (T30), a lawsuit the head did not attend
    (T37), a new officer not yet sworn in (T45), a leader not yet reported (T47), one
    department's items in no training plan (T42) and no law talk by the principal leader
    yet (T46); the years before meet them."""

    def __init__(self, town: _TownshipGenerator) -> None:
        self.town = town
        self.rng = random.Random(f"{town.rng.random()}-ledger")

    def generate(self) -> None:
        town = self.town
        self.office()
        self.training_plans()
        for year in town.years():
            self.decisions(year)
            self.checks_and_complaints(year)
            self.lawsuits_and_recommendations(year)
            self.reports_exams_and_lists(year)
        self.oaths()

    def office(self) -> None:
        town = self.town
        set_up = dt.date(town.first_year - 2, 4, 12)
        town.add("law_office", {
            "name": f"{town.config.township_name}法治建设办公室",
            "set_up_on": set_up.isoformat(),
            "document_no": f"{town.short}党发〔{set_up.year}〕11号",
            "head": town.roles["deputy"].name,
            "current": True,
            "notes": "设在党政办公室，与司法所合署办公",
        })

    def training_plans(self) -> None:
        """One plan per department and batch of items, soon after the items came down."""
        town = self.town
        batches: dict[tuple[str, dt.date], list[_Item]] = {}
        for item in town.items:
            if item.active:
                batches.setdefault((item.department, item.delegated_on), []).append(item)
        names = sorted({department for department, _ in batches})
        left_out = names[-1] if len(names) > 1 else None  # this department has written none
        for (name, delegated_on), items in sorted(batches.items()):
            if name == left_out:
                continue
            day = min(delegated_on + dt.timedelta(days=20), town.today)
            town.add("training_plan", {
                "issued_on": day.isoformat(),
                "department": name,
                "title": f"{name}下放执法事项承接培训计划（{delegated_on.year}年{delegated_on.month}月批次）",
                "items": [i.uuid for i in items],
                "notes": "集中培训、实地指导和随队执法相结合",
            })

    def decisions(self, year: int) -> None:
        town, rng = self.town, self.rng
        start, end = dt.date(year, 1, 1), town.year_end(year)
        days = _spread(rng, start, end - dt.timedelta(days=12), town.n(4 * town.year_fraction(year), minimum=2))
        for number, day in enumerate(days, start=1):
            late = year == town.today.year and number == len(days)  # reviewed only after the decision
            review = day + dt.timedelta(days=2) if late else day - dt.timedelta(days=rng.randint(2, 6))
            published = day + dt.timedelta(days=rng.randint(1, 7))
            town.add("enforcement_decision", {
                "case_no": f"{town.short}综执罚决字〔{year}〕第{number:03d}号",
                "date": day.isoformat(),
                "title": rng.choice(DECISIONS),
                "reviewed": True,
                "review_date": review.isoformat(),
                "reviewer": town.roles["judicial_head"].name,
                "published": True,
                "published_on": published.isoformat(),
                "published_where": f"{town.config.county_name}行政执法信息公示平台",
                "notes": "决定作出后补充法制审核" if late else "",
            })

    def checks_and_complaints(self, year: int) -> None:
        town, rng = self.town, self.rng
        start, end = dt.date(year, 1, 1), town.year_end(year)
        if dt.date(year, 5, 1) <= end:
            town.add("supervision_check", {
                "date": _between(rng, dt.date(year, 5, 1), min(dt.date(year, 10, 31), end)).isoformat(),
                "title": f"{year}年度行政执法案卷评查和执法文书检查",
                "inspector": f"{town.config.county_name}司法局",
                "findings": "个别案卷告知行政复议、行政诉讼权利的表述不规范",
                "rectified": True,
            })
        days = _spread(rng, start, end - dt.timedelta(days=30), town.n(8 * town.year_fraction(year), minimum=2))
        for index, day in enumerate(days):
            still_open = year == town.today.year and index >= len(days) - 2
            closed = min(day + dt.timedelta(days=rng.randint(5, 25)), town.today)
            town.add("complaint", {
                "received_on": day.isoformat(),
                "channel": rng.choice(CHANNELS),
                "subject": rng.choice(COMPLAINTS),
                "closed_on": None if still_open else closed.isoformat(),
                "outcome": "" if still_open else "已核实处理并答复投诉人",
            })

    def lawsuits_and_recommendations(self, year: int) -> None:
        town, rng = self.town, self.rng
        end = town.year_end(year)
        if dt.date(year, 6, 1) <= end:
            day = _between(rng, dt.date(year, 6, 1), min(dt.date(year, 10, 31), end))
            absent = year == town.today.year
            town.add("lawsuit", {
                "case_no": f"（{year}）宁{town.config.county_code[2:]}行初{rng.randint(10, 99)}号",
                "cause": "不服行政处罚决定",
                "court": town.courts[0],
                "hearing_date": day.isoformat(),
                "head_appeared": not absent,
                "appeared_who": "" if absent else town.roles["mayor"].name,
                "outcome": "pending" if absent else rng.choice(("upheld", "upheld", "withdrawn")),
                "notes": "委托法律顾问出庭，负责人因防汛值班未出庭" if absent else "",
            })
        if dt.date(year, 3, 1) <= end - dt.timedelta(days=40):
            day = _between(rng, dt.date(year, 3, 1), end - dt.timedelta(days=40))
            source = rng.choice(("court", "procuratorate"))
            town.add("recommendation", {
                "received_on": day.isoformat(),
                "source": source,
                "organ": f"{town.config.county_name}人民{'法院' if source == 'court' else '检察院'}",
                "doc_no": f"{town.config.county_name[:2]}{'法建' if source == 'court' else '检建'}〔{year}〕{rng.randint(1, 30)}号",
                "subject": rng.choice(("规范行政执法文书送达", "加强农村人居环境整治监管", "完善违法建设查处程序")),
                "replied_on": (day + dt.timedelta(days=rng.randint(20, 35))).isoformat(),
            })

    def reports_exams_and_lists(self, year: int) -> None:
        town, rng = self.town, self.rng
        end = town.year_end(year)
        this_year = year == town.today.year
        if dt.date(year, 2, 15) <= end:
            town.add("law_list", {
                "issued_on": _between(rng, dt.date(year, 2, 15), min(dt.date(year, 3, 20), end)).isoformat(),
                "title": f"{town.config.township_name}{year}年度应知应会法律法规清单",
                "laws": "\n".join(rng.sample(LAWS, 8)),
            })
        if not this_year:  # the principal leader's own law talk (T46); not yet this year
            day = _between(rng, dt.date(year, 4, 1), dt.date(year, 11, 30))
            town.meeting("study", day, f"镇长会前讲法：{rng.choice(LAWS)}", town.roles["secretary"].name,
                         town.names(*LEADERS, "judicial_head"), principal_speaker=True,
                         notes=f"主要负责同志{town.roles['mayor'].name}讲法")
        for role in LEADERS:
            if this_year and role == "deputy":
                continue  # not reported yet this year
            day = _between(rng, dt.date(year, 1, 5), min(dt.date(year, 1, 31), end)) if dt.date(year, 1, 5) <= end else None
            if day is None:
                continue
            town.add("law_report", {
                "staff_uuid": town.roles[role].uuid,
                "date": day.isoformat(),
                "form": rng.choice(("meeting", "assessment")),
                "title": f"{year - 1}年度履行推进法治建设第一责任人职责情况述法",
            })
        if dt.date(year, 10, 10) <= end:
            day = _between(rng, dt.date(year, 10, 10), min(dt.date(year, 11, 20), end))
            for person in town.people:
                if person.active_on(day):
                    score = rng.randint(68, 99)
                    town.add("exam_result", {
                        "staff_uuid": person.uuid,
                        "date": day.isoformat(),
                        "title": f"{year}年度国家工作人员学法用法考试",
                        "score": score,
                        "passed": score >= 60,
                    })

    def oaths(self) -> None:
        town, rng = self.town, self.rng
        # the mayor, elected again by the township people's congress, sworn in then
        elected = min(dt.date(town.first_year, 1, rng.randint(8, 20)), town.today)
        town.add("oath", {"staff_uuid": town.roles["mayor"].uuid, "date": elected.isoformat(),
                          "occasion": "镇人民代表大会选举产生的国家工作人员宪法宣誓"})
        for person in town.people:
            if person.role == "officer_new" or person.start.year < town.first_year:
                continue  # the new officer has not been sworn in yet (T45)
            day = min(person.start + dt.timedelta(days=rng.randint(3, 25)), town.today)
            town.add("oath", {"staff_uuid": person.uuid, "date": day.isoformat(), "occasion": "新任职人员宪法宣誓仪式"})


# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------


def _write(store: Store, records: list[_Record], actor: Actor) -> None:
    """Insert every record with its audit row in one transaction, then tombstone the mistakes.

    Columns and encoding are those of :meth:`Store.insert`; tombstones go through
    :meth:`Store.tombstone` so they carry its ``delete`` audit row.
    """
    by_kind: dict[str, list[dict[str, Any]]] = {name: [] for name in KINDS}
    audit: list[dict[str, Any]] = []
    for record in records:
        kind = KINDS[record.kind]
        data = encode_record(kind, record.values)
        at = store.clock()
        by_kind[record.kind].append(
            {"uuid": record.uuid, "township": actor.township, "created_at": at, "updated_at": at, "device_id": store.device_id,
             "rev": 1, **{c: data[c] for c in kind.columns}}
        )
        changes = {k: [None, v] for k, v in data.items()}
        audit.append(audit_row(at, actor.operator, store.device_id, record.kind, record.uuid, "insert", changes))
    with store.transaction():
        for name, rows in by_kind.items():
            save_records(store.db, name, rows)
        add_audit_rows(store.db, audit)
    for record in records:
        if record.tombstone:
            store.tombstone(KINDS[record.kind], record.uuid, actor)
