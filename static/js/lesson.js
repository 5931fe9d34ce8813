// The lesson's surroundings: presentation mode and its keys, the language, the shared link,
// the exports and the worksheet. Each piece lives in its own module; this one wires them to the
// controller's model and actions.

import { bindKeys } from "./keyboard.js";
import { language, onLanguageChange, setLanguage, t, translatePage } from "./i18n.js";
import { createPresentation } from "./presentation.js";
import { createWorksheet } from "./print.js";
import { copyText, download, exportData, linkFor, readLink, toCsv } from "./share.js";

export function createLesson({ model, api, enqueue, render, save, say, teaching, startFrom, actions }) {
  const $ = (id) => document.getElementById(id);
  const help = $("keys-help");
  const select = $("language-select");

  const presentation = createPresentation($("presentation-toggle"), {
    onChange: () => enqueue(() => render({ flash: false })),
  });
  bindKeys({ ...actions, presentation: () => presentation.toggle() }, help);
  $("keys-button").addEventListener("click", () => help.showModal());

  // --- language ----------------------------------------------------------------------------
  select.value = language();
  select.addEventListener("change", () => setLanguage(select.value));
  onLanguageChange((code) => {
    select.value = code;
    document.title = t("page.title");
    enqueue(() => render({ flash: false }));
  });
  document.title = t("page.title");

  // --- the update shown: a walk's, the last step's, or none yet --------------------------------
  function shownUpdate() {
    const walking = teaching.current();
    if (walking) return walking;
    if (model.last && !model.last.diverged) {
      return { sent: model.last.sent, trace: model.last.trace, after: model.state, loss: model.loss };
    }
    return null;
  }

  // --- share and export ----------------------------------------------------------------------
  $("copy-link").addEventListener("click", async () => {
    const link = linkFor(model.initial, model.state);
    const copied = await copyText(link);
    say(copied ? t("share.copied", { iteration: model.state.iteration }) : t("share.notCopied", { link }), copied ? "info" : "warning");
  });

  function data() {
    return exportData({
      initial: model.initial, state: model.state, forward: model.forward, loss: model.loss,
      update: shownUpdate(), curve: model.curve, history: model.history,
    });
  }
  const filename = (ext) => `backprop-lab-iteration-${model.state.iteration}.${ext}`;
  $("export-json").addEventListener("click", () => {
    download(filename("json"), `${JSON.stringify(data(), null, 1)}\n`, "application/json");
  });
  $("export-csv").addEventListener("click", () => download(filename("csv"), toCsv(data()), "text/csv"));

  // --- the worksheet -------------------------------------------------------------------------
  const printButton = $("print-view");
  const worksheet = createWorksheet($("worksheet"), { onClose: () => printButton.focus() });
  printButton.addEventListener("click", () => enqueue(async () => {
    let update = shownUpdate();
    if (!update) {
      // nothing computed yet at this iteration: the worksheet shows the next update
      const result = await api.step(model.state);
      if (result.diverged) throw new Error(result.diverged.message);
      update = { sent: model.state, trace: result.trace, after: result.state, loss: result.loss };
    }
    worksheet.open(update, { digits: model.digits });
  }));
  onLanguageChange(() => {
    translatePage($("worksheet"));
    worksheet.redraw({ digits: model.digits });
  });

  return {
    /** Open the network a shared link carries, if any; return whether one was opened. */
    async fromLink() {
      let link;
      try {
        link = readLink(location.hash);
      } catch (error) {
        say(t("share.badLink", { message: error.message }), "error");
        return false;
      }
      if (!link) return false;
      try {
        startFrom(await api.reset(link.initial));
        const now = await api.reset(link.state);
        model.state = { ...now.state, iteration: link.state.iteration };
        model.forward = now.trace.forward;
        model.loss = now.trace.forward.E_total;
        model.curve.clear();
        model.curve.push(model.state.iteration, model.loss);
        model.history.start(model.state, model.forward);
      } catch (error) {
        say(t("share.badLink", { message: error.message }), "error");
        return false;
      }
      history.replaceState(null, "", location.pathname + location.search);
      save(true);
      return true;
    },
    show({ digits }) {
      worksheet.redraw({ digits });
    },
    presentation,
  };
}
