# Copyright (c) 2026 dbtasks.cloud contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.dbtasks.cloud.plugins.module_utils._errors import ParameterError
from ansible_collections.dbtasks.cloud.plugins.module_utils._times import (
    DDS_MAX_SPAN,
    NAIVE_TIME_RULE,
    TIME_RULE,
    format_dds,
    format_rds,
    parse_api_time,
    parse_time,
    resolve_range,
    split_windows,
)

UTC = timezone.utc
NOW = datetime(2026, 11, 1, 12, 0, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-11-01T10:00:00Z", at(2026, 11, 1, 10)),
        ("2026-11-01t10:00:00z", at(2026, 11, 1, 10)),
        ("2026-11-01 10:00:00Z", at(2026, 11, 1, 10)),
        ("2026-11-01T10:00:00+08:00", at(2026, 11, 1, 2)),
        ("2026-11-01T10:00:00+0800", at(2026, 11, 1, 2)),
        ("2026-11-01T10:00:00+08", at(2026, 11, 1, 2)),
        ("2026-11-01T01:00:00-05:30", at(2026, 11, 1, 6, 30)),
        ("2026-11-01T10:00Z", at(2026, 11, 1, 10)),
        ("2026-11-01T10:00:00.250Z", at(2026, 11, 1, 10, 0, 0, 250000)),
        ("2026-11-01T10:00:00,123456789+00:00", at(2026, 11, 1, 10, 0, 0, 123456)),
        ("2022-09-05T06:24:14+0000", at(2022, 9, 5, 6, 24, 14)),
        ("  2026-11-01T10:00:00Z  ", at(2026, 11, 1, 10)),
        (1700000000, at(2023, 11, 14, 22, 13, 20)),
        ("1700000000", at(2023, 11, 14, 22, 13, 20)),
        (1700000000.5, at(2023, 11, 14, 22, 13, 20, 500000)),
        ("1700000000.5", at(2023, 11, 14, 22, 13, 20, 500000)),
        (1700000000123, at(2023, 11, 14, 22, 13, 20, 123000)),
        ("1700000000123", at(2023, 11, 14, 22, 13, 20, 123000)),
        (0, at(1970, 1, 1)),
        (99999999999, at(5138, 11, 16, 9, 46, 39)),
        (100000000000, at(1973, 3, 3, 9, 46, 40)),
        ("now", NOW),
        ("NOW", NOW),
        ("-45s", NOW - timedelta(seconds=45)),
        ("-30m", NOW - timedelta(minutes=30)),
        ("-12h", NOW - timedelta(hours=12)),
        ("-7d", NOW - 7 * DAY),
        ("-2w", NOW - 14 * DAY),
        ("-0d", NOW),
    ],
)
def test_parse_time_accepts(value, expected):
    parsed = parse_time(value, "start_time", NOW)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)


def test_parse_time_uses_now_in_any_zone():
    beijing_now = NOW.astimezone(timezone(timedelta(hours=8)))
    assert parse_time("-1h", "end_time", beijing_now) == at(2026, 11, 1, 11)
    assert parse_time("now", "end_time", beijing_now).tzinfo == UTC


def test_parse_time_accepts_yaml_timestamps():
    # An unquoted ISO time in a playbook reaches an action plugin as a datetime, not as text.
    beijing = timezone(timedelta(hours=8))
    parsed = parse_time(datetime(2026, 11, 1, 18, 30, tzinfo=beijing), "start_time", NOW)
    assert parsed == at(2026, 11, 1, 10, 30)
    assert parsed.tzinfo == UTC


@pytest.mark.parametrize("value", [datetime(2026, 11, 1, 10), date(2026, 11, 1)])
def test_parse_time_rejects_yaml_timestamps_without_zone(value):
    with pytest.raises(ParameterError) as caught:
        parse_time(value, "start_time", NOW)
    assert caught.value.option == "start_time"
    assert caught.value.rule == NAIVE_TIME_RULE


@pytest.mark.parametrize("value", ["2026-11-01T10:00:00", "2026-11-01", "2026-11-01T10:00", "2026-11-01 10:00:00.5"])
def test_parse_time_rejects_times_without_zone(value):
    with pytest.raises(ParameterError) as caught:
        parse_time(value, "start_time", NOW)
    assert caught.value.option == "start_time"
    assert caught.value.rule == NAIVE_TIME_RULE


@pytest.mark.parametrize(
    "value",
    [
        "", "   ", "yesterday", "7d", "+7d", "-7", "-7M", "-7y", "-1.5h", "now-7d", "-7 d",
        "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-01T24:00:00Z", "2026-11-01T10:00:60Z",
        "2026-11-01T10:00:00+24:00", "2026-11-01T10:00:00+08:60", "2026-11-01T10:00:00 +08:00", "0000-01-01T00:00:00Z",
        "20261101T100000Z", "2026/11/01", "1e12", "-1700000000", "0x10", "١٧٠٠٠٠٠٠٠٠",
        -1, -0.5, float("nan"), float("inf"), 10 ** 30, True, False, None, [], {}, b"now",
        "9999-12-31T23:59:59-01:00", "-99999999w",
    ],
)
def test_parse_time_rejects(value):
    with pytest.raises(ParameterError) as caught:
        parse_time(value, "end_time", NOW)
    assert caught.value.option == "end_time"
    assert caught.value.rule == TIME_RULE
    assert str(caught.value) == "end_time: " + TIME_RULE


def test_parse_time_requires_aware_now():
    with pytest.raises(ValueError):
        parse_time("now", "start_time", datetime(2026, 11, 1))


@settings(deadline=None)
@given(st.text())
def test_parse_time_arbitrary_text_only_raises_parameter_error(text):
    try:
        parsed = parse_time(text, "start_time", NOW)
    except ParameterError as error:
        assert error.option == "start_time"
    else:
        assert parsed.tzinfo == UTC


@settings(deadline=None)
@given(st.one_of(st.integers(), st.floats(), st.booleans(), st.none()))
def test_parse_time_arbitrary_numbers_only_raise_parameter_error(value):
    try:
        parse_time(value, "start_time", NOW)
    except ParameterError as error:
        assert error.option == "start_time"


MOMENTS = st.datetimes(min_value=datetime(1973, 3, 4), max_value=datetime(9999, 12, 30), timezones=st.just(UTC))


@settings(deadline=None)
@given(MOMENTS, st.integers(min_value=-14 * 60, max_value=14 * 60))
def test_dds_format_round_trips_to_the_same_second(moment, offset_minutes):
    shown_in_zone = moment.astimezone(timezone(timedelta(minutes=offset_minutes)))
    text = format_dds(shown_in_zone)
    assert text.endswith("+0000")
    assert parse_time(text, "start_time", NOW) == moment.replace(microsecond=0)
    assert parse_api_time(text) == moment.replace(microsecond=0)


@settings(deadline=None)
@given(MOMENTS)
def test_rds_format_round_trips_to_the_same_millisecond(moment):
    text = format_rds(moment)
    assert text.isdigit()
    assert parse_time(text, "start_time", NOW) == moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def test_formats_match_the_api_examples():
    assert format_dds(at(2022, 9, 5, 6, 24, 14, 999999)) == "2022-09-05T06:24:14+0000"
    assert format_dds(datetime(2022, 9, 5, 14, 24, 14, tzinfo=timezone(timedelta(hours=8)))) == "2022-09-05T06:24:14+0000"
    assert format_rds(at(2025, 5, 22, 13, 15, 1, 390000)) == "1747919701390"
    assert format_rds(at(1970, 1, 1, 0, 0, 0, 999)) == "0"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2022-09-05T06:24:14+0000", at(2022, 9, 5, 6, 24, 14)),
        ("2022-09-05T14:24:14+0800", at(2022, 9, 5, 6, 24, 14)),
        ("2022-09-05T06:24:14", at(2022, 9, 5, 6, 24, 14)),
        (1559630077, at(2019, 6, 4, 6, 34, 37)),
        ("1559630077", at(2019, 6, 4, 6, 34, 37)),
        ("", None), ("garbage", None), (None, None), (True, None), ({"a": 1}, None), (float("nan"), None),
        (-5, None), ("2022-02-30T00:00:00Z", None), (10 ** 40, None),
    ],
)
def test_parse_api_time(value, expected):
    assert parse_api_time(value) == expected


@settings(deadline=None)
@given(st.one_of(st.text(), st.integers(), st.floats(), st.booleans(), st.none(), st.lists(st.integers())))
def test_parse_api_time_never_raises(value):
    result = parse_api_time(value)
    assert result is None or result.tzinfo == UTC


SPAN = timedelta(days=30) - timedelta(seconds=1)  # DDS_MAX_SPAN: strictly shorter than 30 days


@pytest.mark.parametrize(
    "start, end, span, expected",
    [
        ("-7d", None, SPAN, (NOW - 7 * DAY, NOW)),
        ("-7d", None, None, (NOW - 7 * DAY, NOW)),
        ("-7d", "-1d", None, (NOW - 7 * DAY, NOW - DAY)),
        (None, None, SPAN, (NOW - SPAN, NOW)),
        (None, None, None, (None, None)),
        (None, "-1d", SPAN, (NOW - DAY - SPAN, NOW - DAY)),
        (None, "-1d", None, (None, NOW - DAY)),
        ("-90d", "now", SPAN, (NOW - 90 * DAY, NOW)),
        ("2026-10-01T00:00:00+08:00", 1793534400000, None, (at(2026, 9, 30, 16), NOW)),
    ],
)
def test_resolve_range(start, end, span, expected):
    assert resolve_range(start, end, NOW, span) == expected


@pytest.mark.parametrize("start, end", [("-1d", "-2d"), ("-1d", "-1d"), ("now", "-1s"), ("2026-11-01T10:00:00Z", "2026-11-01T18:00:00+08:00")])
def test_resolve_range_end_not_after_start_names_end(start, end):
    with pytest.raises(ParameterError) as caught:
        resolve_range(start, end, NOW, SPAN, start_option="since", end_option="until")
    assert (caught.value.option, caught.value.rule) == ("until", "must be later than since")


@pytest.mark.parametrize("start", ["now", "2027-01-01T00:00:00Z"])
def test_resolve_range_future_start_without_end_names_start(start):
    with pytest.raises(ParameterError) as caught:
        resolve_range(start, None, NOW, None)
    assert (caught.value.option, caught.value.rule) == ("start_time", "must be earlier than now when end_time is not set")


@pytest.mark.parametrize("start, end, bad_option", [("soon", None, "start_time"), (None, "later", "end_time"), ("-1d", "2026-11-01", "end_time")])
def test_resolve_range_names_the_unparseable_option(start, end, bad_option):
    with pytest.raises(ParameterError) as caught:
        resolve_range(start, end, NOW, SPAN)
    assert caught.value.option == bad_option


def test_resolve_range_default_span_before_year_one():
    with pytest.raises(ParameterError) as caught:
        resolve_range(None, "0001-01-02T00:00:00Z", NOW, SPAN)
    assert caught.value.option == "end_time"


def test_dds_windows_are_strictly_shorter_than_30_days():
    assert DDS_MAX_SPAN == SPAN < timedelta(days=30)
    assert [end - start for start, end in split_windows(NOW - 30 * DAY, NOW)] == [SPAN, timedelta(seconds=1)]


def test_split_windows_newest_first_aligned_on_end():
    windows = split_windows(NOW - 65 * DAY, NOW)
    assert windows == [
        (NOW - SPAN, NOW),
        (NOW - 2 * SPAN, NOW - SPAN),
        (NOW - 65 * DAY, NOW - 2 * SPAN),
    ]


@pytest.mark.parametrize("length", [timedelta(0), timedelta(seconds=1), SPAN, SPAN + timedelta(microseconds=1), 2 * SPAN])
def test_split_windows_counts(length):
    windows = split_windows(NOW - length, NOW)
    expected_count = max(1, -(-length // SPAN))
    assert len(windows) == expected_count
    assert windows[0][1] == NOW and windows[-1][0] == NOW - length


@pytest.mark.parametrize("start, end, span", [(NOW, NOW - DAY, SPAN), (NOW - DAY, NOW, timedelta(0)), (NOW - DAY, NOW, -DAY)])
def test_split_windows_rejects_bad_arguments(start, end, span):
    with pytest.raises(ValueError):
        split_windows(start, end, span)


@settings(deadline=None)
@given(
    MOMENTS,
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)),
    st.one_of(st.just(SPAN), st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=45))),
)
def test_split_windows_cover_the_range_exactly(start, length, span):
    end = start + length
    windows = split_windows(start, end, span)
    assert windows[0][1] == end
    assert windows[-1][0] == start
    for window_start, window_end in windows:
        assert window_start <= window_end
        assert window_end - window_start <= span
    for newer, older in zip(windows, windows[1:]):
        assert older[1] == newer[0]
        assert older[0] < older[1]
