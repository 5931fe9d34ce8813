// The lesson's surroundings: presentation mode and its keys, the language, the shared link,
// the exports and the worksheet. Each piece lives in its own module; this one wires them to the
// page state and the controller's actions. Every text leaves the page through the serializer.

import { bindKeys } from "./keyboard.js";
import { readShaped, showShapeOf } from "./shapes.js";
import { copyText, download, toCsv } from "./share.js";
import { onLanguageChange, t, translatePage } from "../i18n/index.js";
import { serialize, snapshot } from "../state/serialize.js";
import { change, state } from "../state/store.js";
import { createPresentation } from "../views/presentation.js";
import { createWorksheet } from "../views/print.js";

const REPLAY_MAX = 1_000_000; // iterations a link's page trains again on opening

export function createLesson({ api, enqueue, say, redraw, actions }) {
  const $ = (id) => document.getElementById(id);
  const help = $("keys-help");
  const select = $("language-select");
  const network = () => state().network;

  // presentation mode is a setting, so that a reload in front of the room keeps the layout
  const presentation = createPresentation($("presentation-toggle"), {
    strip: $("classroom"),
    onChange: (on) => {
      if (state().settings.presenting !== on) change({ type: "settingsChanged", settings: { presenting: on } });
      if (!on) actions.unstage(); // the laptop view shows its cards whole, below the diagram
      redraw();
    },
  });
  const body = document.body;
  /** B: a black screen, as presentation tools do; any key or click brings the page back. */
  function blank(on) {
    body.classList.toggle("blanked", on);
  }
  document.addEventListener("pointerdown", () => blank(false), true);
  bindKeys({
    ...actions,
    presentation: () => presentation.toggle(),
    blank,
    blanked: () => body.classList.contains("blanked"),
    // L: the loss curve in place of the explanation, where the projector has no room for both
    curve: () => body.classList.toggle("showing-curve"),
    escape: () => {
      if (worksheet.isOpen()) worksheet.close();
      else if (!actions.unstage()) body.classList.remove("showing-curve");
    },
  }, help);
  $("keys-button").addEventListener("click", () => help.showModal());

  // --- language ----------------------------------------------------------------------------
  select.addEventListener("change", () => change({ type: "settingsChanged", settings: { language: select.value } }));
  onLanguageChange((code) => {
    select.value = code;
    document.title = t("page.title");
  });
  document.title = t("page.title");

  // --- share and export ----------------------------------------------------------------------
  const copyLink = $("copy-link");
  /** The link that reproduces the page: the initial values, the options, the iteration. */
  function linkOf(page) {
    const url = new URL(location.href);
    url.hash = serialize(page, "link");
    return url.toString();
  }
  copyLink.addEventListener("click", async () => {
    const link = copyLink.dataset.url = linkOf(state());
    const copied = await copyText(link);
    say(copied ? t("share.copied", { iteration: network().state.iteration }) : t("share.notCopied", { link }), copied ? "info" : "warning");
  });

  const filename = (ext) => `backprop-lab-iteration-${network().state.iteration}.${ext}`;
  $("export-json").addEventListener("click", () => {
    download(filename("json"), `${JSON.stringify(snapshot(state(), "export"), null, 1)}\n`, "application/json");
  });
  $("export-csv").addEventListener("click", () => download(filename("csv"), toCsv(snapshot(state(), "export")), "text/csv"));

  // --- the worksheet -------------------------------------------------------------------------
  const printButton = $("print-view");
  const worksheet = createWorksheet($("worksheet"), {
    onClose: (returnTo) => (returnTo?.isConnected && returnTo !== document.body ? returnTo : printButton).focus(),
  });
  printButton.addEventListener("click", () => enqueue(async () => {
    let { update, digits } = snapshot(state(), "worksheet");
    if (!update) {
      // nothing computed yet at this iteration: the worksheet shows the next update
      const sent = network().state;
      const result = await api.step(sent);
      if (result.diverged) throw new Error(result.diverged.message);
      update = { sent, trace: result.trace, after: result.state, loss: result.loss };
    }
    worksheet.open(update, { digits });
  }));
  onLanguageChange(() => {
    translatePage($("worksheet"));
    worksheet.redraw({ digits: state().settings.digits });
  });

  return {
    /** Open the network a shared link carries, if any, of whatever shape; return whether one
     * was opened. */
    async fromLink() {
      let read;
      try {
        read = await readShaped(location.hash, "link");
      } catch (error) {
        read = { ok: false, error: error.message };
      }
      if (!read.ok) {
        say(t("share.badLink", { message: read.error }), "error");
        return false;
      }
      if (!read.value) return false;
      const { initial, state: now } = read.value;
      try {
        // the initial values trained again for as many iterations: the same weights, error and
        // curve as the page that made the link; a link whose weights training does not reach
        // (or too long to train again) opens at its own numbers, without the curve before them
        const answer = await api.reset(initial);
        showShapeOf(answer.state);
        change({ type: "started", answer });
        const same = (a, b) => Object.keys(a).every((name) => a[name] === b[name]);
        if (now.iteration > 0 && now.iteration <= REPLAY_MAX) await actions.replay(now.iteration);
        const reached = state().network.state;
        if (reached.iteration !== now.iteration || !same(now.weights, reached.weights) || !same(now.biases, reached.biases)) {
          const answer = await api.reset(now);
          change({ type: "opened", initial, state: { ...answer.state, iteration: now.iteration }, forward: answer.trace.forward });
        }
      } catch (error) {
        say(t("share.badLink", { message: error.message }), "error");
        return false;
      }
      history.replaceState(null, "", location.pathname + location.search);
      return true;
    },
    show(page, { digits }) {
      if (page.settings.presenting !== presentation.active()) presentation.set(page.settings.presenting, { fullscreen: false });
      select.value = page.settings.language ?? select.value;
      copyLink.dataset.url = linkOf(page);
      worksheet.redraw({ digits });
    },
    presentation,
  };
}
