"""The canonical department names (攀仁府办〔2020〕128号 四、组织实施（二） plus 乡镇（街道）, as the eval README
lists them): the one spec list the tests hold data files against."""

CANONICAL_DEPARTMENTS: tuple[str, ...] = (
    "区卫生健康局",
    "区发改局",
    "市自然资源和规划局仁和区分局",
    "区教育和体育局",
    "市公安局仁和区分局",
    "区民政局",
    "区财政局",
    "区人力资源社会保障局",
    "区住建局",
    "区市场监管局",
    "区综合执法局",
    "区总工会",
    "区妇联",
    "区税务局",
    "仁和区消防救援大队",
    "乡镇（街道）",
)
