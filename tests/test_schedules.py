"""Schedule translation tables: one portable schedule, each cloud's exact equivalent or a clear error."""

from __future__ import annotations

import pytest

from portable.errors import StackInvalid
from portable.model import Schedule
from portable.schedules import (
    ScheduleError,
    Translated,
    for_aws,
    for_azure,
    for_gcp,
    for_local,
    rate_as_cron,
    translate,
)

# unix cron (UTC)          AWS EventBridge Scheduler       Azure NCRONTAB (UTC)    Cloud Scheduler
CRONS = [
    # plain times; AWS needs '?' in one of day-of-month / weekday
    ("0 3 * * *",           "cron(0 3 * * ? *)",            "0 0 3 * * *",          "0 3 * * *"),
    ("* * * * *",           "cron(* * * * ? *)",            "0 * * * * *",          "* * * * *"),
    ("30 12 1 * *",         "cron(30 12 1 * ? *)",          "0 30 12 1 * *",        "30 12 1 * *"),
    # weekday numbering: unix 0 and 7 are Sunday, AWS counts 1-7 from Sunday
    ("0 0 * * 0",           "cron(0 0 ? * 1 *)",            "0 0 0 * * 0",          "0 0 * * 0"),
    ("0 0 * * 7",           "cron(0 0 ? * 1 *)",            "0 0 0 * * 0",          "0 0 * * 0"),
    ("0 0 * * 1",           "cron(0 0 ? * 2 *)",            "0 0 0 * * 1",          "0 0 * * 1"),
    ("0 0 * * 6",           "cron(0 0 ? * 7 *)",            "0 0 0 * * 6",          "0 0 * * 6"),
    # weekday ranges and lists are translated number by number
    ("0 9 * * 1-5",         "cron(0 9 ? * 2-6 *)",          "0 0 9 * * 1-5",        "0 9 * * 1-5"),
    ("0 9 * * 0,6",         "cron(0 9 ? * 1,7 *)",          "0 0 9 * * 0,6",        "0 9 * * 0,6"),
    ("0 9 * * 5-7",         "cron(0 9 ? * 1,6,7 *)",        "0 0 9 * * 0,5,6",      "0 9 * * 0,5,6"),
    ("0 9 * * 1,3,5",       "cron(0 9 ? * 2,4,6 *)",        "0 0 9 * * 1,3,5",      "0 9 * * 1,3,5"),
    ("0 9 * * */2",         "cron(0 9 ? * 1,3,5,7 *)",      "0 0 9 * * */2",        "0 9 * * */2"),
    ("0 9 * * 1-5/2",       "cron(0 9 ? * 2,4,6 *)",        "0 0 9 * * 1,3,5",      "0 9 * * 1,3,5"),
    ("0 9 * * 0-7",         "cron(0 9 * * ? *)",            "0 0 9 * * *",          "0 9 * * *"),
    ("0 9 * * 3-3",         "cron(0 9 ? * 4 *)",            "0 0 9 * * 3",          "0 9 * * 3"),
    # names pass through as numbers
    ("0 9 * * MON-FRI",     "cron(0 9 ? * 2-6 *)",          "0 0 9 * * 1-5",        "0 9 * * 1-5"),
    ("0 9 * * sun",         "cron(0 9 ? * 1 *)",            "0 0 9 * * 0",          "0 9 * * 0"),
    ("0 9 * * sat,sun",     "cron(0 9 ? * 1,7 *)",          "0 0 9 * * 0,6",        "0 9 * * 0,6"),
    ("0 0 1 jan-mar *",     "cron(0 0 1 1-3 ? *)",          "0 0 0 1 1-3 *",        "0 0 1 1-3 *"),
    ("0 0 1 JAN,JUL *",     "cron(0 0 1 1,7 ? *)",          "0 0 0 1 1,7 *",        "0 0 1 1,7 *"),
    # steps
    ("*/15 * * * *",        "cron(0/15 * * * ? *)",         "0 */15 * * * *",       "*/15 * * * *"),
    ("5-59/15 * * * *",     "cron(5/15 * * * ? *)",         "0 5-50/15 * * * *",    "5-50/15 * * * *"),
    ("0-30/10 * * * *",     "cron(0,10,20,30 * * * ? *)",   "0 0-30/10 * * * *",    "0-30/10 * * * *"),
    ("0 */6 * * *",         "cron(0 0/6 * * ? *)",          "0 0 */6 * * *",        "0 */6 * * *"),
    ("0 0 */2 * *",         "cron(0 0 1/2 * ? *)",          "0 0 0 */2 * *",        "0 0 */2 * *"),
    ("0 0 1 */3 *",         "cron(0 0 1 1/3 ? *)",          "0 0 0 1 */3 *",        "0 0 1 */3 *"),
    ("0,30 * * * *",        "cron(0,30 * * * ? *)",         "0 */30 * * * *",       "*/30 * * * *"),
    # ranges and lists
    ("*/15 9-17 * * 1-5",   "cron(0/15 9-17 ? * 2-6 *)",    "0 */15 9-17 * * 1-5",  "*/15 9-17 * * 1-5"),
    ("0 9,10,11,15 * * *",  "cron(0 9-11,15 * * ? *)",      "0 0 9-11,15 * * *",    "0 9-11,15 * * *"),
    ("0 8-10,14 1,15 * *",  "cron(0 8-10,14 1,15 * ? *)",   "0 0 8-10,14 1,15 * *", "0 8-10,14 1,15 * *"),
]


@pytest.mark.parametrize(("unix", "aws", "azure", "gcp"), CRONS, ids=[c[0] for c in CRONS])
def test_cron_tables(unix: str, aws: str, azure: str, gcp: str) -> None:
    assert for_aws(unix) == Translated(aws, "UTC")
    assert for_azure(unix) == Translated(azure, "UTC")
    assert for_gcp(unix) == Translated(gcp, "UTC")
    assert for_local(unix) == Translated(unix, "UTC")


# rate                   AWS                    Azure NCRONTAB           Cloud Scheduler
RATES = [
    ("rate(1 minute)",     "rate(1 minute)",      "0 * * * * *",          "* * * * *"),
    ("rate(5 minutes)",    "rate(5 minutes)",     "0 */5 * * * *",        "*/5 * * * *"),
    ("rate(30 minutes)",   "rate(30 minutes)",    "0 */30 * * * *",       "*/30 * * * *"),
    ("rate(120 minutes)",  "rate(120 minutes)",   "0 0 */2 * * *",        "0 */2 * * *"),
    ("rate(1 hour)",       "rate(1 hour)",        "0 0 * * * *",          "0 * * * *"),
    ("rate(6 hours)",      "rate(6 hours)",       "0 0 */6 * * *",        "0 */6 * * *"),
    ("rate(12 hours)",     "rate(12 hours)",      "0 0 */12 * * *",       "0 */12 * * *"),
    ("rate(24 hours)",     "rate(24 hours)",      "0 0 0 * * *",          "0 0 * * *"),
    ("rate(1 day)",        "rate(1 day)",         "0 0 0 * * *",          "0 0 * * *"),
]


@pytest.mark.parametrize(("rate", "aws", "azure", "gcp"), RATES, ids=[r[0] for r in RATES])
def test_rate_tables(rate: str, aws: str, azure: str, gcp: str) -> None:
    assert for_aws(rate).expression == aws
    assert for_azure(rate).expression == azure
    assert for_gcp(rate).expression == gcp
    assert for_local(rate).expression == rate


@pytest.mark.parametrize("rate", ["rate(7 minutes)", "rate(90 minutes)", "rate(5 hours)", "rate(2 days)"])
def test_rates_without_an_exact_cron(rate: str) -> None:
    assert for_aws(rate).expression == rate
    assert rate_as_cron(rate) is None
    with pytest.raises(ScheduleError) as azure:
        for_azure(rate)
    assert azure.value.message == (
        f"{rate!r} cannot run on Azure Functions timers, which take cron expressions only: the rate does not "
        "divide an hour or a day evenly, so no cron runs it exactly"
    )
    assert azure.value.hint == (
        "Use a rate of 1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30 minutes, of 1, 2, 3, 4, 6, 8 or 12 hours, "
        "or of 1 day, or a cron expression."
    )
    with pytest.raises(ScheduleError, match=r"cannot run on Google Cloud Scheduler jobs"):
        for_gcp(rate)


def test_time_zones_pass_through_on_aws_and_gcp() -> None:
    paris = Schedule.cron("0 3 * * 1-5", timezone="Europe/Paris")
    assert for_aws(paris) == Translated("cron(0 3 ? * 2-6 *)", "Europe/Paris")
    assert for_gcp(paris) == Translated("0 3 * * 1-5", "Europe/Paris")
    assert for_gcp(Schedule.every(1, "day", timezone="Asia/Tokyo")) == Translated("0 0 * * *", "Asia/Tokyo")


# Azure timers run in UTC: fixed offsets are converted when one expression holds the result.
AZURE_ZONES = [
    ("0 3 * * *",     "Asia/Tokyo",       "0 0 18 * * *"),      # 03:00 JST = 18:00 UTC the day before, every day
    ("0 3 * * 1-5",   "Asia/Tokyo",       "0 0 18 * * 0-4"),    # ... so Monday-Friday become Sunday-Thursday
    ("0 12 * * 1",    "Asia/Tokyo",       "0 0 3 * * 1"),       # no day change
    ("0 20 * * *",    "Etc/GMT+5",        "0 0 1 * * *"),       # UTC-5: 20:00 is 01:00 UTC the next day
    ("0 20 * * 5",    "Etc/GMT+5",        "0 0 1 * * 6"),
    ("*/15 * * * *",  "Asia/Kolkata",     "0 */15 * * * *"),    # +05:30 shifts minutes; every hour stays every hour
    ("10 * * * *",    "Asia/Kolkata",     "0 40 * * * *"),
    ("0 9 * * *",     "Asia/Kolkata",     "0 30 3 * * *"),      # +05:30, fixed hours: 09:00 IST = 03:30 UTC
    ("30 3 * * *",    "Asia/Kolkata",     "0 0 22 * * *"),      # the day before, every day
    ("0 9,21 * * *",  "Asia/Kolkata",     "0 30 3-15/12 * * *"),
    ("0 2 * * mon",   "Asia/Kolkata",     "0 30 20 * * 0"),     # 02:00 Monday IST = 20:30 UTC on Sunday
    ("0 9 * * *",     "Asia/Kathmandu",   "0 15 3 * * *"),      # +05:45
    ("0,30 9 * * *",  "Asia/Kathmandu",   "0 15-45/30 3 * * *"),
    ("0 1 1 * *",     "Pacific/Marquesas", "0 30 10 1 * *"),    # -09:30, the same day
    ("0 * * * *",     "America/New_York", "0 0 * * * *"),       # every hour: daylight saving does not matter
    ("0 3 1 * *",     "UTC",              "0 0 3 1 * *"),
]


@pytest.mark.parametrize(("unix", "zone", "azure"), AZURE_ZONES, ids=[f"{z[0]} {z[1]}" for z in AZURE_ZONES])
def test_azure_converts_fixed_offsets(unix: str, zone: str, azure: str) -> None:
    assert for_azure(Schedule.cron(unix, timezone=zone)) == Translated(azure, "UTC")


def test_azure_rejects_daylight_saving_zones() -> None:
    with pytest.raises(ScheduleError) as caught:
        for_azure(Schedule.cron("0 3 * * *", timezone="Europe/Paris"))
    assert caught.value.message == (
        "Azure Functions timers run in UTC, and 'Europe/Paris' changes its UTC offset during the year "
        "(daylight saving time), so '0 3 * * *' cannot be translated exactly"
    )
    assert caught.value.hint == (
        "Use timezone 'UTC' and write the times in UTC: 03:00 in Europe/Paris is 02:00 UTC in January and "
        "01:00 UTC in July. Or deploy to AWS or Google Cloud, whose schedulers keep time zones."
    )


def test_azure_rejects_a_day_change_it_cannot_write() -> None:
    with pytest.raises(ScheduleError) as caught:
        for_azure(Schedule.cron("0 3 1 * *", timezone="Asia/Tokyo"))
    assert caught.value.message == (
        "Azure Functions timers run in UTC: 03:00 in Asia/Tokyo is 18:00 UTC on the day before, and "
        "'0 3 1 * *' restricts the days, so it cannot be translated exactly"
    )


@pytest.mark.parametrize("unix", [
    "0,30 9 * * *",    # 03:30 and 04:00 UTC: not every listed hour at every listed minute
    "0 1 1 * *",       # 19:30 UTC on the last day of the month before
    "0 0,12 * * mon",  # Sunday 18:30 and Monday 06:30 UTC: the days do not move together
    "* 9 * * *",       # every minute of an hour: half in one UTC hour, half in the next
])
def test_azure_rejects_half_hour_offsets_it_cannot_write(unix: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        for_azure(Schedule.cron(unix, timezone="Asia/Kolkata"))
    assert caught.value.message == (
        f"Azure Functions timers run in UTC, and 'Asia/Kolkata' is UTC+05:30, so {unix!r} cannot be shifted "
        "into UTC exactly"
    )


def test_an_azure_stack_with_a_half_hour_zone_schedule_checks_clean() -> None:
    from portable.model import Stack
    from portable.registry import check_stack

    stack = Stack("shop")
    stack.function("report", handler="app:run", triggers=[Schedule.cron("0 9 * * mon-fri", timezone="Asia/Kolkata")])
    assert check_stack(stack, "azure") == []


def test_azure_rate_in_a_daylight_saving_zone_is_fine_below_an_hour() -> None:
    assert for_azure(Schedule.every(5, "minutes", timezone="Europe/Paris")).expression == "0 */5 * * * *"


@pytest.mark.parametrize("target", ["aws", "azure", "gcp", "local"])
def test_translate_dispatches(target: str) -> None:
    assert translate("0 3 * * *", target).expression == {
        "aws": "cron(0 3 * * ? *)", "azure": "0 0 3 * * *", "gcp": "0 3 * * *", "local": "0 3 * * *",
    }[target]


def test_translate_rejects_an_unknown_target() -> None:
    with pytest.raises(ValueError, match="unknown schedule target 'ibm'"):
        translate("0 3 * * *", "ibm")


@pytest.mark.parametrize("expression", ["0 3 ? * MON", "0 3 L * *", "0 3 * * 1#2", "0 0 1 * 1", "0 3 * *"])
def test_non_portable_input_is_refused_before_translation(expression: str) -> None:
    with pytest.raises(StackInvalid):
        for_aws(expression)
