"""The State Council General Office's holiday arrangements (放假安排) for 2023 to 2026, with their 调休 working days.

Copied from the notices as published (中国政府网, 国务院公报; the texts were read, not inferred from weekdays):

- 2023: 《国务院办公厅关于2023年部分节假日安排的通知》 国办发明电〔2022〕16号, 2022-12-08
- 2024: 《国务院办公厅关于2024年部分节假日安排的通知》 国办发明电〔2023〕7号, 2023-10-25
- 2025: 《国务院办公厅关于2025年部分节假日安排的通知》 国办发明电〔2024〕12号, 2024-11-12
- 2026: 《国务院办公厅关于2026年部分节假日安排的通知》 国办发明电〔2025〕7号, 2025-11-04

Every day of a break is listed as a day off (weekend days inside it too, which changes nothing); a day the notice
says "上班" is a working day. Later years are added by an admin (执法公示 › 工作日历) when the notice appears.
"""

from datetime import date, timedelta

from django.db import migrations

SOURCES = {
    2023: "国办发明电〔2022〕16号《国务院办公厅关于2023年部分节假日安排的通知》",
    2024: "国办发明电〔2023〕7号《国务院办公厅关于2024年部分节假日安排的通知》",
    2025: "国办发明电〔2024〕12号《国务院办公厅关于2025年部分节假日安排的通知》",
    2026: "国办发明电〔2025〕7号《国务院办公厅关于2026年部分节假日安排的通知》",
}

# (notice year, holiday, first day off, last day off, [调休 working days])
ARRANGEMENTS = [
    # 2023: "一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。"
    (2023, "元旦", date(2022, 12, 31), date(2023, 1, 2), []),
    (2023, "春节", date(2023, 1, 21), date(2023, 1, 27), [date(2023, 1, 28), date(2023, 1, 29)]),
    (2023, "清明节", date(2023, 4, 5), date(2023, 4, 5), []),
    (2023, "劳动节", date(2023, 4, 29), date(2023, 5, 3), [date(2023, 4, 23), date(2023, 5, 6)]),
    (2023, "端午节", date(2023, 6, 22), date(2023, 6, 24), [date(2023, 6, 25)]),
    (2023, "中秋节、国庆节", date(2023, 9, 29), date(2023, 10, 6), [date(2023, 10, 7), date(2023, 10, 8)]),
    # 2024
    (2024, "元旦", date(2024, 1, 1), date(2024, 1, 1), []),
    (2024, "春节", date(2024, 2, 10), date(2024, 2, 17), [date(2024, 2, 4), date(2024, 2, 18)]),
    (2024, "清明节", date(2024, 4, 4), date(2024, 4, 6), [date(2024, 4, 7)]),
    (2024, "劳动节", date(2024, 5, 1), date(2024, 5, 5), [date(2024, 4, 28), date(2024, 5, 11)]),
    (2024, "端午节", date(2024, 6, 10), date(2024, 6, 10), []),
    (2024, "中秋节", date(2024, 9, 15), date(2024, 9, 17), [date(2024, 9, 14)]),
    (2024, "国庆节", date(2024, 10, 1), date(2024, 10, 7), [date(2024, 9, 29), date(2024, 10, 12)]),
    # 2025
    (2025, "元旦", date(2025, 1, 1), date(2025, 1, 1), []),
    (2025, "春节", date(2025, 1, 28), date(2025, 2, 4), [date(2025, 1, 26), date(2025, 2, 8)]),
    (2025, "清明节", date(2025, 4, 4), date(2025, 4, 6), []),
    (2025, "劳动节", date(2025, 5, 1), date(2025, 5, 5), [date(2025, 4, 27)]),
    (2025, "端午节", date(2025, 5, 31), date(2025, 6, 2), []),
    (2025, "国庆节、中秋节", date(2025, 10, 1), date(2025, 10, 8), [date(2025, 9, 28), date(2025, 10, 11)]),
    # 2026
    (2026, "元旦", date(2026, 1, 1), date(2026, 1, 3), [date(2026, 1, 4)]),
    (2026, "春节", date(2026, 2, 15), date(2026, 2, 23), [date(2026, 2, 14), date(2026, 2, 28)]),
    (2026, "清明节", date(2026, 4, 4), date(2026, 4, 6), []),
    (2026, "劳动节", date(2026, 5, 1), date(2026, 5, 5), [date(2026, 5, 9)]),
    (2026, "端午节", date(2026, 6, 19), date(2026, 6, 21), []),
    (2026, "中秋节", date(2026, 9, 25), date(2026, 9, 27), []),
    (2026, "国庆节", date(2026, 10, 1), date(2026, 10, 7), [date(2026, 9, 20), date(2026, 10, 10)]),
]


def rows():
    for year, name, first, last, workdays in ARRANGEMENTS:
        day = first
        while day <= last:
            yield day, "holiday", name, SOURCES[year]
            day += timedelta(days=1)
        for workday in workdays:
            yield workday, "workday", name, SOURCES[year]


def load(apps, schema_editor):
    CalendarDay = apps.get_model("disclosure", "CalendarDay")
    for day, kind, name, source in rows():
        # an admin may already have entered a day by hand: theirs stays
        CalendarDay.objects.get_or_create(day=day, defaults={"kind": kind, "name": name, "source": source})


def unload(apps, schema_editor):
    CalendarDay = apps.get_model("disclosure", "CalendarDay")
    CalendarDay.objects.filter(source__in=SOURCES.values()).delete()


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
