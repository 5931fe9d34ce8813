// plotly.js on demand. The full bundle (the plotly package ships no smaller one) takes a laptop
// about a second, and a phone several, to evaluate, and the page cannot answer a click
// meanwhile: the page runs it only when a curve or a landscape is to be drawn, never at load.

/** The loader of plotly.js at `url` (this server's copy from the installed plotly package). */
export function createPlotlyLoader(url) {
  let loading = null;
  let prefetched = false;
  return {
    /** Resolve with window.Plotly, running the script the first time it is asked for. */
    load() {
      if (window.Plotly) return Promise.resolve(window.Plotly);
      loading ??= new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = url;
        script.addEventListener("load", () => (window.Plotly ? resolve(window.Plotly) : reject(new Error("plotly.js did not load"))));
        script.addEventListener("error", () => {
          loading = null; // a later curve tries again
          script.remove();
          reject(new Error("plotly.js could not be loaded"));
        });
        document.head.appendChild(script);
      });
      return loading;
    },
    /** Fetch the script into the browser's cache without running it, while nothing else is. */
    prefetch() {
      if (prefetched || loading || window.Plotly) return;
      prefetched = true;
      const link = document.createElement("link");
      link.rel = "prefetch";
      link.href = url;
      document.head.appendChild(link);
    },
    loaded: () => Boolean(window.Plotly),
  };
}

/** `task` (async) run one at a time: a call while it runs asks for one more run once it ends,
 * however many calls come meanwhile (a view redrawn faster than the server answers). */
export function oneAtATime(task) {
  let busy = false;
  let again = false;
  const run = async () => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      await task();
    } finally {
      busy = false;
      if (again) {
        again = false;
        run();
      }
    }
  };
  return run;
}
