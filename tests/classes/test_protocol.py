"""What a teacher may send is the page's own message and nothing else: every number field
refuses text, no field the page does not write gets through, and no string that is not valid
Unicode is read at all."""

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from app import schemas
from app.classes import protocol
from app.presets import presets
from app.schemas import ClassPage
from tests.helpers import class_page, preset_class_page

PAGE = class_page(3, 5)
# Every field name of the schemas: one the worked example's page leaves out (a trace's row, a
# state's data) is still written for another network, and null there means left out.
FIELDS = {
    name
    for model in vars(schemas).values()
    if isinstance(model, type) and issubclass(model, BaseModel)
    for name in model.model_fields
}
HOSTILE = [
    '<img src=x onerror="alert(1)">', "<style>body{display:none}</style>",
    '<meta http-equiv="refresh" content="0;url=https://example.com">',
    '"><a href="https://example.com">Log in again</a>', "</math><script>alert(1)</script>",
    "\ud800", "1", "0.5", "",
]  # fmt: skip


def leaves(value: Any, path: tuple = ()) -> list[tuple[tuple, Any]]:
    """Every (path, value) of a JSON tree's leaves."""
    if isinstance(value, dict) and value:
        return [leaf for key, item in value.items() for leaf in leaves(item, (*path, key))]
    if isinstance(value, list) and value:
        return [leaf for k, item in enumerate(value) for leaf in leaves(item, (*path, k))]
    return [(path, value)]


def objects(value: Any, path: tuple = ()) -> list[tuple]:
    """The path of every object in a JSON tree."""
    found = [path] if isinstance(value, dict) else []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(
        value, list) else ()  # fmt: skip
    for key, item in items:
        found += objects(item, (*path, key))
    return found


def replaced(tree: Any, path: tuple, value: Any) -> Any:
    copy = json.loads(json.dumps(tree))
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return copy


def state_message(page: Any) -> str:
    return json.dumps({"type": "state", "state": page}, ensure_ascii=True)


NUMBERS = [path for path, value in leaves(PAGE) if isinstance(value, int | float)
           and not isinstance(value, bool)]  # fmt: skip
STRINGS = [path for path, value in leaves(PAGE) if isinstance(value, str)]


def withholding(page: dict[str, Any]) -> dict[str, Any]:
    """`page` with its walk's update of w5 withheld, as a teacher's page sends it mid-poll."""
    page = json.loads(json.dumps(page))
    result = page["walk"]["result"]
    page["walk"]["withheld"] = ["gradient_w5", "change_w5", "new_w5", "after"]
    result["trace"]["gradients"]["w5"] = result["trace"]["changes"]["w5"] = None
    result["state"]["weights"]["w5"] = result["forward"] = result["loss"] = None
    return page


def test_the_pages_own_message_is_read_unchanged():
    for iteration, index in ((0, 0), (7, 19), (10**12 - 1, 3)):
        for page in (class_page(iteration, index), withholding(class_page(iteration, index))):
            read = protocol.parse(state_message(page))
            assert read.state.model_dump(mode="json", exclude_unset=True) == page


def test_an_update_walked_already_is_read_unchanged():
    """After a walk the page marks the update as walked; the class must still hear its Step."""
    page = class_page(1, 0)
    step = page["walk"]
    page["network"]["last"] = {"sent": step["sent"], "trace": step["result"]["trace"],
                               "diverged": None, "walked": True}  # fmt: skip
    read = protocol.parse(state_message(page))
    assert read.state.model_dump(mode="json", exclude_unset=True) == page


@settings(max_examples=300, deadline=None)
@given(path=st.sampled_from(NUMBERS), text=st.sampled_from(HOSTILE) | st.text(max_size=40))
def test_text_where_the_page_has_a_number_is_refused(path: tuple, text: str):
    with pytest.raises(protocol.RefusedError):
        protocol.parse(state_message(replaced(PAGE, path, text)))


@settings(max_examples=300, deadline=None)
@given(path=st.sampled_from(STRINGS), text=st.sampled_from(HOSTILE) | st.text(max_size=40))
def test_a_name_field_takes_names_only(path: tuple, text: str):
    page = replaced(PAGE, path, text)
    try:
        read = protocol.parse(state_message(page))
    except protocol.RefusedError:
        return
    value = read.state.model_dump(mode="json", exclude_unset=True)
    for _, leaf in leaves(value):  # what gets through is a plain name: no markup, no spaces
        assert not isinstance(leaf, str) or re.fullmatch(r"[\w-]+", leaf), leaf


@settings(max_examples=200, deadline=None)
@given(path=st.sampled_from([path for path in objects(PAGE) if path != ("walk", "answers")]),
       key=st.text(min_size=1, max_size=20),
       value=st.sampled_from(HOSTILE) | st.floats(allow_nan=False) | st.none())  # fmt: skip
def test_a_field_the_page_does_not_write_is_refused(path: tuple, key: str, value: Any):
    target = PAGE
    for part in path:
        target = target[part]
    if key in target or (value is None and key in FIELDS):
        return
    page = replaced(PAGE, (*path, key), value) if path else {**PAGE, key: value}
    with pytest.raises(protocol.RefusedError):
        protocol.parse(state_message(page))


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=30), surrogate=st.integers(0xD800, 0xDFFF), at=st.integers(0, 30))
def test_a_lone_surrogate_anywhere_is_refused(text: str, surrogate: int, at: int):
    broken = text[:at] + chr(surrogate) + text[at:]
    for message in ({"type": "hello", "role": "student", "student": broken},
                    {"type": "state", "state": {"a": broken}},
                    {"type": "poll-close", "poll": broken},
                    {"type": "state", "state": replaced(PAGE, STRINGS[0], broken)}):  # fmt: skip
        with pytest.raises(protocol.RefusedError, match="valid Unicode|should"):
            protocol.parse(json.dumps(message))


def test_deep_nesting_and_oversized_numbers_are_refused():
    deep: Any = 0
    for _ in range(200):
        deep = {"a": deep}
    for page in (deep, replaced(PAGE, NUMBERS[0], 10**400), replaced(PAGE, ("walk", "index"), 101),
                 replaced(PAGE, ("settings", "open"), ["w1"] * 11)):  # fmt: skip
        with pytest.raises(protocol.RefusedError):
            protocol.parse(state_message(page))


def test_the_schema_is_the_pages_message():
    schema = ClassPage.model_json_schema()
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == {"version", "purpose", "network", "walk", "settings"}


@pytest.mark.parametrize(
    ("part", "group", "name"),
    [(("network", "state"), "weights", "w9"), (("walk", "sent"), "inputs", "i3"),
     (("network", "initial"), "biases", "b3")],
)  # fmt: skip
def test_a_name_outside_the_network_of_the_message_is_refused(part: tuple, group: str, name: str):
    page = json.loads(json.dumps(PAGE))
    target = page
    for key in part:
        target = target[key]
    target[group][name] = 0.1
    with pytest.raises(protocol.RefusedError, match=f"no {name}"):
        protocol.parse(state_message(page))


# --- Networks of any shape ------------------------------------------------------------------


PRESET_PAGES = {f"{preset['id']}/{training}": preset_class_page(preset["state"], training)
                for preset in presets() for training in ("online", "batch")}  # fmt: skip


@pytest.mark.parametrize("key", sorted(PRESET_PAGES))
def test_every_presets_message_online_and_batch_is_read_unchanged(key: str):
    page = PRESET_PAGES[key]
    read = protocol.parse(state_message(page))
    assert read.state.model_dump(mode="json", exclude_unset=True) == page


def deep_batch() -> dict[str, Any]:
    return json.loads(json.dumps(PRESET_PAGES["deep-2332/batch"]))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda p: p["network"]["state"].update(layers=[2, 10**9, 2]), "network.state.layers.1"),
        (lambda p: p["network"]["state"].update(layers=[2] * 1000), "network.state.layers"),
        (lambda p: p["network"]["state"].update(layers=[2, 3, 3]), "does_not_fit|no w|one network"),
        (lambda p: p["network"]["initial"].update(layers=[2, 2, 2]), "network.initial"),
        (lambda p: p["network"]["state"].update(data=p["network"]["state"]["data"] * 5000),
         "network.state.data"),
        (lambda p: p["network"]["state"]["data"][0]["inputs"].update(i3=1.0), "data.0.inputs"),
        (lambda p: p["walk"]["result"]["trace"].update(rows=p["walk"]["result"]["trace"]["rows"]
                                                       * 5), "walk.result.trace.rows"),
        (lambda p: p["walk"]["result"]["trace"]["rows"][1].update(row=7),
         "walk.result.trace.rows.1.row"),
        (lambda p: p["walk"]["result"]["trace"]["rows"][0]["deltas"].update(h99=1.0),
         "walk.result.trace.rows.0.deltas"),
        (lambda p: p["walk"]["result"]["trace"].update(forward={"E_total": 1.0}),
         "walk.result.trace.forward"),
        (lambda p: p["settings"].update(row=16), "settings.row"),
    ],
)  # fmt: skip
def test_a_hostile_network_in_a_message_is_refused_naming_the_field(change: Any, field: str):
    page = deep_batch()
    change(page)
    with pytest.raises(protocol.RefusedError, match=field):
        protocol.parse(state_message(page))


def test_an_online_step_names_a_row_the_network_has():
    page = json.loads(json.dumps(PRESET_PAGES["xor-231/online"]))
    assert page["network"]["last"]["trace"]["row"] == 0
    page["network"]["last"]["trace"]["row"] = 4
    refused = "network.last.trace.row: the network has 4 rows"
    with pytest.raises(protocol.RefusedError, match=refused):
        protocol.parse(state_message(page))
