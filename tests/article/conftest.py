"""Small hand-written Arabic articles shared by the article-core tests."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"

OTHER_OUTLET = """الرئيسية

وزير الخارجية يحذر من «تصعيد خطير» في المنطقة

2023/05/14 10:30

دمشق - سانا

قال وزير الخارجية السوري فيصل المقداد في مؤتمر صحفي: «إن المنطقة تمر بمرحلة خطيرة تتطلب تعاون الجميع».

وأضاف أن الحكومة ستواصل جهودها الدبلوماسية مع الدول المجاورة، مشيراً إلى أن "العقوبات الغربية تعرقل إعادة الإعمار في البلاد".

من جهته، أفادت منظمة الصحة العالمية بأن عدد المصابين ارتفع إلى 40 شخصا في الأسبوع الماضي.

وأوضحت المنظمة أن فرقها الطبية وصلت إلى المناطق المتضررة صباح اليوم.

وذكر شاهد عيان لـ«سانا» أن الطرقات كانت مغلقة طوال الليل بسبب الأمطار الغزيرة.

وبحسب المرصد العراقي لحقوق الإنسان، فإن المئات من العائلات نزحت من القرى الحدودية خلال الأيام الماضية.

وتقع المدينة بين نهرين كبيرين ويبلغ عدد سكانها نحو مليون نسمة.

تابعونا على تلغرام
"""


@pytest.fixture
def bundled_text() -> str:
    """The bundled article as shipped in the package."""
    return (Path(__file__).resolve().parents[2] / "bot" / "data" / "article.txt").read_text("utf-8")


@pytest.fixture
def gold() -> dict[str, object]:
    """The reference annotation of the bundled article."""
    import json

    data: dict[str, object] = json.loads((SHARED / "seed" / "gold.json").read_text("utf-8"))
    return data
