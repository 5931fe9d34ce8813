// The choice of network: the worked example, XOR, AND, OR, a deeper net (app/presets.py), or
// "your own" once the editor has changed one. A view: it shows which preset the network
// started from and reports a choice.

import { language, t } from "../i18n/index.js";
import { presetOf, presets } from "../state/presets.js";

const OWN = "own";

export function createPresetPicker(select, { onChoose }) {
  function fill() {
    const chosen = select.value;
    select.innerHTML = "";
    for (const { id, name } of presets()) {
      select.append(new Option(name[language()] ?? name.en, id));
    }
    const own = new Option(t("presets.own"), OWN);
    own.disabled = true; // shown, never chosen: a network of one's own comes from the editor
    select.append(own);
    select.value = chosen || presets()[0]?.id;
  }
  fill();
  select.addEventListener("change", () => {
    if (select.value !== OWN) onChoose(select.value);
  });

  return {
    /** Show which preset `initial` is the start of ("your own network" if none). */
    show(initial) {
      select.value = presetOf(initial) ?? OWN;
    },
    /** Names again in the language now. */
    translate: fill,
  };
}
